import { randomUUID } from 'node:crypto';
import type { Clock } from '../domain/clock';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/connect';
import { type BackoffOptions, defaultBackoff } from './backoff';
import { cancelQueuedByDedupeKey, countByState } from './job-table';
import { type EnqueueOptions, type JobQueue, type StoreTransaction } from './queue';
import { DEFAULT_MAX_ATTEMPTS, checkEnqueue } from './enqueue-input';
import { createDbWorker } from './db-worker';
import type { JobSystem } from './job-system';

export interface DbJobQueueOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Names this process in `locked_by`; unique per process (e.g. hostname:pid). */
  workerId: string;
  /** How often an idle worker looks for due jobs. */
  pollIntervalMs?: number;
  /** How long a claim lasts without renewal; renewed every third of it while the job runs. */
  leaseMs?: number;
  /** Jobs run at the same time by this worker. */
  concurrency?: number;
  /** Attempts when enqueue does not say. */
  defaultMaxAttempts?: number;
  backoff?: BackoffOptions;
  /** [0, 1) source for backoff jitter. */
  random?: () => number;
  newId?: () => string;
}

/** The embedded engine is one JobSystem; pg-boss (pg-boss/pg-boss-jobs.ts) is the other. */
export type DbJobQueue = JobSystem;

/**
 * The embedded, database-backed queue: jobs live in the `jobs` table of the app's own database
 * (SQLite or PostgreSQL), so enqueueing can share the caller's transaction and nothing else needs
 * running. On PostgreSQL with many processes, pg-boss (pg-boss/pg-boss-jobs.ts) can replace it.
 */
export function createDbJobQueue(options: DbJobQueueOptions): DbJobQueue {
  const { store, clock } = options;
  const defaultMaxAttempts = options.defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const newId = options.newId ?? randomUUID;

  const worker = createDbWorker({
    store,
    clock,
    logger: options.logger,
    workerId: options.workerId,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    leaseMs: options.leaseMs ?? 60_000,
    concurrency: options.concurrency ?? 4,
    backoff: options.backoff ?? defaultBackoff,
    random: options.random ?? Math.random,
  });

  const queue: JobQueue = {
    async enqueue(kind: string, payload: unknown, opts: EnqueueOptions = {}, trx?: StoreTransaction) {
      const checked = checkEnqueue(kind, payload, opts, clock.now(), defaultMaxAttempts);
      const now = clock.now().toISOString();
      const db = trx ?? store.db;
      const row = {
        id: newId(),
        kind,
        payload: checked.payloadJson,
        run_at: checked.runAt.toISOString(),
        state: 'queued',
        attempts: 0,
        max_attempts: checked.maxAttempts,
        locked_by: null,
        locked_until: null,
        last_error: null,
        dedupe_key: checked.dedupeKey,
        created_at: now,
        updated_at: now,
      };
      let id = row.id;
      if (opts.dedupeKey === undefined) {
        await db.insertInto('jobs').values(row).execute();
      } else {
        // ON CONFLICT DO NOTHING is the same on both databases and waits for a concurrent insert of the key.
        await db
          .insertInto('jobs')
          .values(row)
          .onConflict((oc) => oc.column('dedupe_key').doNothing())
          .execute();
        const existing = await db.selectFrom('jobs').select('id').where('dedupe_key', '=', opts.dedupeKey).executeTakeFirst();
        if (!existing) throw new Error(`job "${kind}": dedupe insert found no row`); // cannot happen: unique key just held
        id = existing.id;
      }
      worker.wake();
      return id;
    },
  };

  return {
    engine: 'embedded',
    queue,
    worker,
    cancelByDedupeKey: (dedupeKey, trx) => cancelQueuedByDedupeKey(trx ?? store.db, dedupeKey, clock.now()),
    stats: (kind) => countByState(store.db, kind),
  };
}
