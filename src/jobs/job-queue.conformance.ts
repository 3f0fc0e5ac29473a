import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobInputError, type JobQueue, type StoreTransaction } from './queue';
import { AizuchiError } from '../domain/errors';

/** A queued job as the setup's own inspection shows it (table row, fake's record). */
export interface QueuedJobView {
  readonly id: string;
  readonly kind: string;
  /** After the queue's JSON round trip. */
  readonly payload: unknown;
  readonly runAt: Date;
  readonly maxAttempts: number;
}

/** What a queue's test file hands the suite for one test. */
export interface JobQueueConformanceSetup {
  readonly queue: JobQueue;
  /** The instant the queue's clock reads during the test. */
  readonly now: Date;
  /** Jobs waiting to run, in any order. */
  queued(): Promise<QueuedJobView[]>;
  /** Runs `fn` in a store transaction; only queues that can join a caller's transaction provide it. */
  readonly inTransaction?: <T>(fn: (trx: StoreTransaction) => Promise<T>) => Promise<T>;
  /** Cancels the queued job under a dedupe key, where the queue offers it (DbJobQueue.cancelByDedupeKey). */
  readonly cancelByDedupeKey?: (dedupeKey: string) => Promise<boolean>;
  teardown?(): Promise<void> | void;
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return undefined;
}

class Rollback extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'rollback', cause: options?.cause });
  }
}

/**
 * Registers the behaviour queue.ts promises of every JobQueue — the embedded queue on SQLite and on
 * PostgreSQL, and the test fake alike: ids, defaults, JSON payloads, dedupe keys, JobInputError for
 * bad arguments (nothing queued), and — where the queue joins transactions — a job exists iff the
 * caller's transaction committed. Call it inside a test file.
 */
export function jobQueueConformance(
  name: string,
  makeSetup: () => Promise<JobQueueConformanceSetup> | JobQueueConformanceSetup,
  /** What the queue offers beyond the core contract; each capability's tests are registered only when declared. */
  capabilities: { joinsTransactions: boolean; cancelsByDedupeKey: boolean },
): void {
  // Declared at registration (not skipped at run time), so a queue that lacks a capability shows no
  // skipped tests and one that declares it must provide it or fail.
  const itIf = (declared: boolean) => (declared ? it : () => undefined);
  describe(`JobQueue conformance: ${name}`, () => {
    let setup: JobQueueConformanceSetup;

    beforeEach(async () => {
      setup = await makeSetup();
    });

    afterEach(async () => {
      await setup.teardown?.();
    });

    const only = async (id: string) => {
      const jobs = await setup.queued();
      expect(jobs.map((j) => j.id)).toEqual([id]);
      return jobs[0]!;
    };

    it('queues a job to run now with the default of 5 attempts, and returns its id', async () => {
      const id = await setup.queue.enqueue('test.first', { caseId: 'c1' });
      expect(typeof id).toBe('string');
      expect(id).not.toBe('');
      const job = await only(id);
      expect(job).toMatchObject({ kind: 'test.first', payload: { caseId: 'c1' }, maxAttempts: 5 });
      expect(job.runAt.getTime()).toBe(setup.now.getTime());
    });

    it('honours runAt and maxAttempts', async () => {
      const runAt = new Date(setup.now.getTime() + 30 * 60_000);
      const id = await setup.queue.enqueue('test.later', null, { runAt, maxAttempts: 2 });
      const job = await only(id);
      expect(job.runAt.getTime()).toBe(runAt.getTime());
      expect(job.maxAttempts).toBe(2);
    });

    it('gives every enqueue without a dedupe key a job of its own', async () => {
      const a = await setup.queue.enqueue('test.same', { n: 1 });
      const b = await setup.queue.enqueue('test.same', { n: 1 });
      expect(a).not.toBe(b);
      expect((await setup.queued()).map((j) => j.id).sort()).toEqual([a, b].sort());
    });

    it('stores the payload as JSON, as it was at enqueue time', async () => {
      const payload = { at: new Date('2026-12-01T00:00:00.000Z'), list: [1, 'two'], gone: undefined as unknown };
      const id = await setup.queue.enqueue('test.json', payload);
      payload.list.push(3);
      expect((await only(id)).payload).toEqual({ at: '2026-12-01T00:00:00.000Z', list: [1, 'two'] });
      const nothing = await setup.queue.enqueue('test.json', undefined);
      expect((await setup.queued()).find((j) => j.id === nothing)?.payload).toBeNull();
    });

    it('returns the existing job for a dedupe key already queued, and adds none', async () => {
      const first = await setup.queue.enqueue('test.dedupe', { n: 1 }, { dedupeKey: 'k1' });
      const again = await setup.queue.enqueue('test.dedupe', { n: 2 }, { dedupeKey: 'k1', runAt: new Date(setup.now.getTime() + 60_000) });
      expect(again).toBe(first);
      const job = await only(first);
      expect(job.payload).toEqual({ n: 1 });
      expect(job.runAt.getTime()).toBe(setup.now.getTime());
      const other = await setup.queue.enqueue('test.dedupe', { n: 3 }, { dedupeKey: 'k2' });
      expect(other).not.toBe(first);
    });

    itIf(capabilities.cancelsByDedupeKey)('frees a dedupe key when its job is cancelled', async () => {
      const cancel = setup.cancelByDedupeKey;
      if (!cancel) throw new Error('the setup declares cancelsByDedupeKey but gives no cancelByDedupeKey');
      const first = await setup.queue.enqueue('test.cancel', { n: 1 }, { dedupeKey: 'slot' });
      expect(await cancel('slot')).toBe(true);
      expect(await setup.queued()).toEqual([]);
      const again = await setup.queue.enqueue('test.cancel', { n: 2 }, { dedupeKey: 'slot' });
      expect(again).not.toBe(first);
      expect((await only(again)).payload).toEqual({ n: 2 });
    });

    it('refuses bad arguments with JobInputError and queues nothing', async () => {
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const bad: Array<[string, unknown, object]> = [
        ['', {}, {}],
        ['has space', {}, {}],
        ['-leading-dash', {}, {}],
        ['x'.repeat(101), {}, {}],
        ['test.bad', { n: 1n }, {}],
        ['test.bad', circular, {}],
        ['test.bad', () => 1, {}],
        ['test.bad', {}, { runAt: new Date(Number.NaN) }],
        ['test.bad', {}, { maxAttempts: 0 }],
        ['test.bad', {}, { maxAttempts: 1.5 }],
        ['test.bad', {}, { maxAttempts: -1 }],
        ['test.bad', {}, { dedupeKey: '' }],
      ];
      for (const [kind, payload, opts] of bad) {
        const error = await caught(setup.queue.enqueue(kind, payload, opts));
        expect(error, `${kind} ${JSON.stringify(opts)}`).toBeInstanceOf(JobInputError);
      }
      expect(await setup.queued()).toEqual([]);
    });

    it('never echoes the payload in a JobInputError (it may hold personal data)', async () => {
      const error = await caught(setup.queue.enqueue('test.pii', { email: 'taro@example.com', n: 1n }));
      expect(error).toBeInstanceOf(JobInputError);
      expect(String((error as Error).message)).not.toContain('taro@example.com');
    });

    itIf(capabilities.joinsTransactions)('queues a job in a caller transaction only when it commits', async () => {
      const inTransaction = setup.inTransaction;
      if (!inTransaction) throw new Error('the setup declares joinsTransactions but gives no inTransaction');
      const rolledBack = await caught(
        inTransaction(async (trx) => {
          await setup.queue.enqueue('test.trx', { n: 1 }, { dedupeKey: 'trx-key' }, trx);
          throw new Rollback('caller change failed');
        }),
      );
      expect(rolledBack).toBeInstanceOf(Rollback);
      expect(await setup.queued()).toEqual([]);
      // The rolled-back job held its dedupe key only inside the transaction.
      const id = await inTransaction((trx) => setup.queue.enqueue('test.trx', { n: 2 }, { dedupeKey: 'trx-key' }, trx));
      expect((await only(id)).payload).toEqual({ n: 2 });
    });
  });
}
