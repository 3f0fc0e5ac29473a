export { createDbJobQueue } from './db-job-queue';
export type { DbJobQueue, DbJobQueueOptions } from './db-job-queue';
export type { JobWorker } from './db-worker';
export type { JobCounts } from './job-table';
export type { BackoffOptions } from './backoff';
export { JobInputError, LeaseLostError, PermanentJobError, RetryableJobError, isPermanentJobFailure } from './queue';
export type { EnqueueOptions, JobContext, JobHandler, JobQueue, StoreTransaction } from './queue';
export type { JobEngineName, JobSystem } from './job-system';
export { JobEngineError, createPgBossJobs } from './pg-boss/pg-boss-jobs';
