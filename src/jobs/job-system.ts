import type { JobWorker } from './db-worker';
import type { JobCounts } from './job-table';
import type { JobQueue, StoreTransaction } from './queue';

/** Which engine runs jobs: the embedded table queue (SQLite, or PostgreSQL by choice) or pg-boss (PostgreSQL). */
export type JobEngineName = 'embedded' | 'pg-boss';

/**
 * A job engine as the composition root sees it: the queue callers enqueue on, the worker that runs
 * handlers, and the operator-side calls. Both engines (db-job-queue.ts, pg-boss/pg-boss-jobs.ts)
 * implement it and pass one conformance suite (job-queue.conformance.ts).
 */
export interface JobSystem {
  readonly engine: JobEngineName;
  queue: JobQueue;
  worker: JobWorker;
  /** Cancels a job that has not started yet; false when none is waiting under that key. */
  cancelByDedupeKey(dedupeKey: string, trx?: StoreTransaction): Promise<boolean>;
  /** Jobs per state, optionally of one kind. */
  stats(kind?: string): Promise<JobCounts>;
}
