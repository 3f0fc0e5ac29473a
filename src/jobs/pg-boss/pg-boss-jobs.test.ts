import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FreshStore, openFreshStore } from '../../../test/jobs/fresh-store';
import { systemClock } from '../../domain/clock';
import { createLogger } from '../../observability/logger';
import { openStore } from '../../store/connect';
import type { JobSystem } from '../job-system';
import { LeaseLostError } from '../queue';
import { bossDb } from './job-rows';
import { JobEngineError, createPgBossJobs } from './pg-boss-jobs';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

describe('pg-boss job engine', () => {
  it('refuses a SQLite store with a clear error', async () => {
    const store = openStore('sqlite::memory:');
    try {
      await expect(createPgBossJobs({ store, clock: systemClock, logger: createLogger('silent'), workerId: 't' })).rejects.toBeInstanceOf(
        JobEngineError,
      );
    } finally {
      await store.close();
    }
  });
});

describe.runIf(Boolean(postgresUrl))('pg-boss job engine on PostgreSQL', () => {
  let fresh: FreshStore;
  let jobs: JobSystem;
  beforeAll(async () => {
    fresh = await openFreshStore(postgresUrl);
  });
  afterAll(async () => {
    await fresh.dispose();
  });
  beforeEach(async () => {
    jobs = await createPgBossJobs({ store: fresh.store, clock: systemClock, logger: createLogger('silent'), workerId: 't' });
    await sql`delete from pgboss.job`.execute(fresh.store.db);
    await fresh.store.db.deleteFrom('job_keys').execute();
  });

  const dataOf = async (id: string) =>
    (await sql<{ data: unknown; state: string }>`select data, state from pgboss.job where id = ${id}::uuid`.execute(fresh.store.db))
      .rows[0];

  it('installs its schema through createPgBossJobs, again without harm', async () => {
    await createPgBossJobs({ store: fresh.store, clock: systemClock, logger: createLogger('silent'), workerId: 'again' });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pgboss.version`.execute(fresh.store.db);
    expect(rows[0]?.n).toBe(1);
  });

  it('leaves no pooled connection inside an aborted transaction when one of its BEGIN…COMMIT plans fails', async () => {
    // The shape of pg-boss's own plans (plans.js `locked`); a racing schema install fails this way on purpose.
    await expect(bossDb(fresh.store.db).executeSql('BEGIN; SELECT 1/0; COMMIT;', [])).rejects.toThrow(/division by zero/);
    // More queries at once than the pool has connections (10), so the one that ran the plan is drawn again.
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () => sql<{ one: number }>`select 1 as one, pg_sleep(0.02)`.execute(fresh.store.db)),
    );
    expect(results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
  });

  it('keeps nothing of a finished job’s payload (the code mail carries the code)', async () => {
    jobs.worker.register('test.secret', async () => undefined);
    const id = await jobs.queue.enqueue('test.secret', { code: '12345678' });
    await jobs.worker.runDue();
    expect(await dataOf(id)).toEqual({ data: { scrubbed: true }, state: 'completed' });
  });

  it('does not let a run whose job was fetched again since finish it: effects roll back, the new run owns it', async () => {
    let error: unknown;
    jobs.worker.register('test.fenced', async (_payload, ctx) => {
      // What a second worker's fetch does once pg-boss has expired this run: the retry count moves on.
      await sql`update pgboss.job set retry_count = retry_count + 1 where id = ${ctx.jobId}::uuid`.execute(fresh.store.db);
      error = await ctx.complete((trx) => jobs.queue.enqueue('test.effect', null, {}, trx)).catch((err: unknown) => err);
    });
    const id = await jobs.queue.enqueue('test.fenced', null);
    await jobs.worker.runDue();
    expect(error).toBeInstanceOf(LeaseLostError);
    expect((await dataOf(id))?.state).toBe('active');
    expect(await jobs.stats('test.effect')).toMatchObject({ queued: 0, done: 0 });
  });

  it('cancels only a job that has not started, and frees its key', async () => {
    const first = await jobs.queue.enqueue('test.slot', { n: 1 }, { dedupeKey: 'slot-1' });
    expect(await jobs.cancelByDedupeKey('slot-1')).toBe(true);
    expect(await dataOf(first)).toEqual({ data: { scrubbed: true }, state: 'cancelled' });
    expect(await jobs.cancelByDedupeKey('slot-1')).toBe(false);
    let cancelWhileRunning: boolean | undefined;
    jobs.worker.register('test.slot', async () => {
      cancelWhileRunning = await jobs.cancelByDedupeKey('slot-2');
    });
    await jobs.queue.enqueue('test.slot', { n: 2 }, { dedupeKey: 'slot-2' });
    await jobs.worker.runDue();
    expect(cancelWhileRunning).toBe(false);
    expect(await jobs.stats('test.slot')).toMatchObject({ done: 1, dead: 1 });
  });
});
