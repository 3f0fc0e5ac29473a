import { type FreshStore, openFreshStore } from '../../test/jobs/fresh-store';
import { afterAll, beforeAll, describe } from 'vitest';
import { createLogger } from '../observability/logger';
import { writeTransaction } from '../store/write-transaction';
import { createDbJobQueue } from './db-job-queue';
import { jobQueueConformance } from './job-queue.conformance';
import { jobWorkerConformance } from './job-worker.conformance';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

const targets = [
  { name: 'SQLite', url: undefined, enabled: true },
  { name: 'PostgreSQL', url: postgresUrl, enabled: Boolean(postgresUrl) },
];

for (const target of targets) {
  describe.runIf(target.enabled)(`embedded queue on ${target.name}`, () => {
    let fresh: FreshStore;
    beforeAll(async () => {
      fresh = await openFreshStore(target.url);
    });
    afterAll(async () => {
      await fresh.dispose();
    });

    jobQueueConformance(
      `embedded db queue (${target.name})`,
      async () => {
        await fresh.store.db.deleteFrom('jobs').execute();
        const now = new Date('2026-12-01T00:00:00.000Z');
        // No worker is started: the suite looks only at what enqueue wrote.
        const jobs = createDbJobQueue({
          store: fresh.store,
          clock: { now: () => now },
          logger: createLogger('silent'),
          workerId: 'conformance',
        });
        return {
          queue: jobs.queue,
          now,
          queued: async () => {
            const rows = await fresh.store.db.selectFrom('jobs').selectAll().where('state', '=', 'queued').execute();
            return rows.map((r) => ({
              id: r.id,
              kind: r.kind,
              payload: JSON.parse(r.payload) as unknown,
              runAt: new Date(r.run_at),
              maxAttempts: r.max_attempts,
            }));
          },
          inTransaction: (fn) => writeTransaction(fresh.store, fn),
          cancelByDedupeKey: (key) => jobs.cancelByDedupeKey(key),
        };
      },
      { joinsTransactions: true, cancelsByDedupeKey: true },
    );

    jobWorkerConformance(`embedded db queue (${target.name})`, async () => {
      await fresh.store.db.deleteFrom('jobs').execute();
      const now = new Date('2026-12-01T00:00:00.000Z');
      const jobs = createDbJobQueue({
        store: fresh.store,
        clock: { now: () => now },
        logger: createLogger('silent'),
        workerId: 'conformance',
      });
      return {
        queue: jobs.queue,
        worker: jobs.worker,
        stats: (kind) => jobs.stats(kind),
        queuedKinds: async () => {
          const rows = await fresh.store.db.selectFrom('jobs').select('kind').where('state', '=', 'queued').orderBy('kind').execute();
          return rows.map((r) => r.kind);
        },
      };
    });
  });
}
