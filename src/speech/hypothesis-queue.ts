import type { Hypothesis } from './recognizer';

type Waiter = {
  resolve: (result: IteratorResult<Hypothesis>) => void;
  reject: (error: unknown) => void;
};

/**
 * Push-to-pull bridge: adapters push hypotheses as their engine produces them, the
 * caller pulls with `for await`. Single consumer; after close() or fail() pushes are dropped.
 */
export class HypothesisQueue implements AsyncIterable<Hypothesis> {
  private readonly buffered: Hypothesis[] = [];
  private waiter: Waiter | undefined;
  private done = false;
  private failure: { error: unknown } | undefined;
  private iterated = false;

  get closed(): boolean {
    return this.done;
  }

  push(hypothesis: Hypothesis): void {
    if (this.done) return;
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve({ value: hypothesis, done: false });
    } else {
      this.buffered.push(hypothesis);
    }
  }

  /** Ends the iteration after what is already buffered. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.settleWaiter();
  }

  /** Ends the iteration with an error, after what is already buffered. */
  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.failure = { error };
    this.settleWaiter();
  }

  /** Abort: drop anything not yet read and end now. */
  discard(): void {
    this.buffered.length = 0;
    this.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<Hypothesis> {
    if (this.iterated) throw new TypeError('recognizer results can be iterated only once');
    this.iterated = true;
    return {
      next: () => this.next(),
      return: async () => {
        this.discard();
        return { value: undefined, done: true };
      },
    };
  }

  private next(): Promise<IteratorResult<Hypothesis>> {
    const head = this.buffered.shift();
    if (head) return Promise.resolve({ value: head, done: false });
    if (this.done) return this.finished();
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  private finished(): Promise<IteratorResult<Hypothesis>> {
    const failure = this.failure;
    if (failure) {
      this.failure = undefined; // report once; later next() calls just say done
      return Promise.reject(failure.error);
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  private settleWaiter(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = undefined;
    this.finished().then(waiter.resolve, waiter.reject);
  }
}
