import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

describe('one error base', () => {
  it('has no error class in src/ that extends Error directly, other than AizuchiError itself', () => {
    const src = join(__dirname, '..');
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
    const offenders = files
      .filter((f) => join(src, f) !== __filename.replace(/\.test\.ts$/, '.ts'))
      .filter((f) => /\bclass\s+\w+\s+extends\s+Error\b/.test(readFileSync(join(src, f), 'utf8')))
      .map((f) => relative(src, join(src, f)));
    expect(offenders).toEqual([]);
  });
});
