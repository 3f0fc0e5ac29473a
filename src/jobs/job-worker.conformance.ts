import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AizuchiError } from '../domain/errors';
import type { JobWorker } from './db-worker';
import type { JobCounts } from './job-table';
import { type JobContext, type JobQueue, PermanentJobError, RetryableJobError } from './queue';

/** What an engine's test file hands the worker suite for one test: a fresh engine over an empty job store. */
export interface JobWorkerConformanceSetup {
  readonly queue: JobQueue;
  readonly worker: JobWorker;
  stats(kind?: string): Promise<JobCounts>;
  /** Kinds of the jobs waiting to run (queued, or waiting to retry). */
  queuedKinds(): Promise<string[]>;
  teardown?(): Promise<void> | void;
}

class Rollback extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'rollback' });
  }
}

class Flaky extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'flaky', retryable: true });
  }
}

/**
 * The running half of queue.ts's promise, for every engine (embedded on SQLite and PostgreSQL,
 * pg-boss): a due job runs with its payload; the effects written through `ctx.complete` commit with
 * the done mark or not at all; a failure retries with the attempt counted; a permanent failure or
 * the last attempt is dead. Runs through `worker.runDue()`, so nothing depends on timing: every job
 * here is due when enqueued, and a retry asked for with `retryAfterMs: 0` is due at once.
 */
export function jobWorkerConformance(name: string, makeSetup: () => Promise<JobWorkerConformanceSetup>): void {
  describe(`JobWorker conformance: ${name}`, () => {
    let setup: JobWorkerConformanceSetup;
    beforeEach(async () => {
      setup = await makeSetup();
    });
    afterEach(async () => {
      await setup.teardown?.();
    });

    it('runs a due job once with its payload, and commits complete()’s effects with the done mark', async () => {
      const seen: Array<{ payload: unknown; attempt: number }> = [];
      setup.worker.register('test.work', async (payload, ctx) => {
        seen.push({ payload, attempt: ctx.attempt });
        await ctx.complete((trx) => setup.queue.enqueue('test.follow', { after: ctx.jobId }, {}, trx));
      });
      const id = await setup.queue.enqueue('test.work', { caseId: 'c1' });
      expect(await setup.worker.runDue()).toBe(1);
      expect(seen).toEqual([{ payload: { caseId: 'c1' }, attempt: 1 }]);
      expect(await setup.stats('test.work')).toMatchObject({ queued: 0, running: 0, done: 1, dead: 0 });
      expect(await setup.queuedKinds()).toEqual(['test.follow']);
      expect(id).not.toBe('');
    });

    it('marks a job done when its handler returns without calling complete()', async () => {
      setup.worker.register('test.plain', async () => undefined);
      await setup.queue.enqueue('test.plain', null);
      expect(await setup.worker.runDue()).toBe(1);
      expect(await setup.stats('test.plain')).toMatchObject({ queued: 0, done: 1 });
    });

    it('rolls back the effects and the done mark together when complete()’s effects throw, then retries', async () => {
      const attempts: number[] = [];
      setup.worker.register('test.rollback', async (_payload, ctx: JobContext) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) {
          await ctx.complete(async (trx) => {
            await setup.queue.enqueue('test.effect', { n: 1 }, {}, trx);
            throw new Rollback('effects failed half-way');
          });
        }
        // A retryAfterMs of 0 would be due at once; the first failure here used the default backoff.
      });
      await setup.queue.enqueue('test.rollback', { n: 1 });
      expect(await setup.worker.runDue()).toBe(1);
      expect(attempts).toEqual([1]);
      expect(await setup.queuedKinds()).toEqual(['test.rollback']);
      expect(await setup.stats('test.rollback')).toMatchObject({ queued: 1, done: 0, dead: 0 });
    });

    it('retries a failed job with the attempt counted, and runs it to done', async () => {
      const attempts: number[] = [];
      setup.worker.register('test.retry', async (_payload, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new RetryableJobError('not yet', { retryAfterMs: 0 });
      });
      await setup.queue.enqueue('test.retry', null, { maxAttempts: 3 });
      await setup.worker.runDue();
      expect(attempts).toEqual([1, 2, 3]);
      expect(await setup.stats('test.retry')).toMatchObject({ queued: 0, done: 1, dead: 0 });
    });

    it('marks a job dead after its last attempt', async () => {
      let runs = 0;
      setup.worker.register('test.last', async () => {
        runs++;
        throw new Flaky('still failing');
      });
      await setup.queue.enqueue('test.last', null, { maxAttempts: 1 });
      expect(await setup.worker.runDue()).toBe(1);
      expect(runs).toBe(1);
      expect(await setup.stats('test.last')).toMatchObject({ queued: 0, running: 0, done: 0, dead: 1 });
    });

    it('marks a permanently failed job dead at once, whatever attempts are left', async () => {
      let runs = 0;
      setup.worker.register('test.permanent', async () => {
        runs++;
        throw new PermanentJobError('malformed');
      });
      await setup.queue.enqueue('test.permanent', null, { maxAttempts: 5 });
      expect(await setup.worker.runDue()).toBe(1);
      expect(runs).toBe(1);
      expect(await setup.stats('test.permanent')).toMatchObject({ queued: 0, dead: 1 });
    });

    it('refuses a second complete() and keeps the first one’s effects', async () => {
      let second: unknown;
      setup.worker.register('test.twice', async (_payload, ctx) => {
        await ctx.complete((trx) => setup.queue.enqueue('test.once', null, {}, trx));
        second = await ctx.complete(async () => 'again').catch((err: unknown) => err);
      });
      await setup.queue.enqueue('test.twice', null);
      await setup.worker.runDue();
      expect(second).toBeInstanceOf(Error);
      expect(await setup.stats('test.twice')).toMatchObject({ done: 1, queued: 0, dead: 0 });
      expect(await setup.queuedKinds()).toEqual(['test.once']);
    });
  });
}
