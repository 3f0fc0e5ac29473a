import { sql } from 'kysely';
import { afterAll, beforeAll, describe } from 'vitest';
import { type FreshStore, openFreshStore } from '../../../test/jobs/fresh-store';
import { createLogger } from '../../observability/logger';
import { writeTransaction } from '../../store/write-transaction';
import { jobQueueConformance } from '../job-queue.conformance';
import { jobWorkerConformance } from '../job-worker.conformance';
import { systemClock } from '../../domain/clock';
import { createPgBossJobs } from './pg-boss-jobs';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

describe.runIf(Boolean(postgresUrl))('pg-boss queue on PostgreSQL', () => {
  let fresh: FreshStore;
  beforeAll(async () => {
    fresh = await openFreshStore(postgresUrl);
  });
  afterAll(async () => {
    await fresh.dispose();
  });

  jobQueueConformance(
    'pg-boss (PostgreSQL)',
    async () => {
      const now = new Date('2026-12-01T00:00:00.000Z');
      // No worker is started: the suite looks only at what enqueue wrote.
      const jobs = await createPgBossJobs({
        store: fresh.store,
        clock: { now: () => now },
        logger: createLogger('silent'),
        workerId: 'conformance',
      });
      await sql`delete from pgboss.job`.execute(fresh.store.db);
      await fresh.store.db.deleteFrom('job_keys').execute();
      return {
        queue: jobs.queue,
        now,
        queued: async () => {
          const { rows } = await sql<{ id: string; name: string; data: { payload: unknown }; start_after: Date; retry_limit: number }>`
            select id, name, data, start_after, retry_limit from pgboss.job where state in ('created', 'retry')`.execute(fresh.store.db);
          return rows.map((r) => ({
            id: r.id,
            kind: r.name,
            payload: r.data.payload,
            runAt: new Date(r.start_after),
            maxAttempts: r.retry_limit + 1,
          }));
        },
        inTransaction: (fn) => writeTransaction(fresh.store, fn),
        cancelByDedupeKey: (key) => jobs.cancelByDedupeKey(key),
      };
    },
    { joinsTransactions: true, cancelsByDedupeKey: true },
  );

  // pg-boss decides what is due by the database's clock, so its worker runs on the real one.
  jobWorkerConformance('pg-boss (PostgreSQL)', async () => {
    const jobs = await createPgBossJobs({
      store: fresh.store,
      clock: systemClock,
      logger: createLogger('silent'),
      workerId: 'conformance',
    });
    await sql`delete from pgboss.job`.execute(fresh.store.db);
    await fresh.store.db.deleteFrom('job_keys').execute();
    return {
      queue: jobs.queue,
      worker: jobs.worker,
      stats: (kind) => jobs.stats(kind),
      queuedKinds: async () => {
        const { rows } = await sql<{ name: string }>`
          select name from pgboss.job where state in ('created', 'retry') order by name`.execute(fresh.store.db);
        return rows.map((r) => r.name);
      },
    };
  });
});
