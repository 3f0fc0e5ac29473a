import { describe, expect, it } from 'vitest';
import { AizuchiError, errorFields } from './errors';

class ExampleError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'example', cause: options?.cause });
  }
}

describe('AizuchiError', () => {
  it('takes its name from the subclass and keeps code, cause and a retryable default of true', () => {
    const cause = new Error('disk full');
    const error = new ExampleError('could not write', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ExampleError', code: 'example', retryable: true, message: 'could not write' });
    expect(error.cause).toBe(cause);
    expect(String(error.stack)).toContain('ExampleError');
  });

  it('says retryable false only when the class says so, and has no cause unless given one', () => {
    const error = new AizuchiError('never again', { code: 'permanent', retryable: false });
    expect(error.retryable).toBe(false);
    expect('cause' in error).toBe(false);
  });
});

describe('errorFields', () => {
  it('gives name and code for AizuchiErrors, Node errors and anything else, never the message', () => {
    expect(errorFields(new ExampleError('taro@example.com'))).toEqual({ errorName: 'ExampleError', errorCode: 'example' });
    expect(errorFields(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toEqual({ errorName: 'Error', errorCode: 'ECONNREFUSED' });
    expect(errorFields('boom')).toEqual({ errorName: 'string', errorCode: undefined });
  });
});
