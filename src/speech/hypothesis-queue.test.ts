import { describe, expect, it } from 'vitest';
import { HypothesisQueue } from './hypothesis-queue';
import type { Hypothesis } from './recognizer';

const h = (text: string): Hypothesis => ({ text, isFinal: true, startMs: 0, endMs: 0 });

describe('HypothesisQueue', () => {
  it('hands out pushed hypotheses in order, to a waiting reader too, then completes', async () => {
    const queue = new HypothesisQueue();
    const iterator = queue[Symbol.asyncIterator]();
    const waiting = iterator.next();
    queue.push(h('a'));
    queue.push(h('b'));
    queue.close();
    queue.push(h('dropped after close'));
    expect(await waiting).toEqual({ done: false, value: h('a') });
    expect(await iterator.next()).toEqual({ done: false, value: h('b') });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('delivers buffered hypotheses before the failure, and the failure once', async () => {
    const queue = new HypothesisQueue();
    const boom = new Error('boom');
    queue.push(h('a'));
    queue.fail(boom);
    const iterator = queue[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(h('a'));
    await expect(iterator.next()).rejects.toBe(boom);
    expect((await iterator.next()).done).toBe(true);
  });

  it('rejects a reader already waiting when it fails', async () => {
    const queue = new HypothesisQueue();
    const pending = queue[Symbol.asyncIterator]().next();
    queue.fail(new Error('late'));
    await expect(pending).rejects.toThrow('late');
  });

  it('drops unread hypotheses on discard and when the reader breaks out', async () => {
    const queue = new HypothesisQueue();
    queue.push(h('a'));
    queue.push(h('b'));
    for await (const first of queue) {
      expect(first.text).toBe('a');
      break;
    }
    expect(queue.closed).toBe(true);
  });

  it('can be iterated only once', () => {
    const queue = new HypothesisQueue();
    queue[Symbol.asyncIterator]();
    expect(() => queue[Symbol.asyncIterator]()).toThrow(/only once/);
  });
});
