import type { Kysely } from 'kysely';
import type { Database } from '../store/schema';
import { AizuchiError } from '../domain/errors';

/**
 * Delivery guarantees. A job runs at least once until it is done or dead; a killed or stalled worker's
 * job is retried once its lease lapses. Database effects written through `ctx.complete(trx => …)`
 * commit in the same transaction as the done mark, so they happen exactly once. Effects outside the
 * database (sending mail, placing a call) cannot join that transaction and are at-least-once: derive
 * a deterministic key from the job (e.g. Message-ID `<job-${jobId}@…>`) so the receiver can drop
 * repeats — the built-in mail catcher dedupes by Message-ID.
 *
 * The job queue as the rest of aizuchi sees it. Nothing here names the jobs table or a driver: the
 * embedded implementation (db-job-queue.ts) and pg-boss (pg-boss/pg-boss-jobs.ts) both implement it.
 * The only database type is the store's own transaction handle, which callers already hold; an
 * engine must be able to write its enqueue and its done mark inside that transaction (pg-boss does,
 * through its `db` option, because its tables are in the same database).
 */
export type StoreTransaction = Kysely<Database>;

export interface EnqueueOptions {
  /** Not before this instant (default: now). */
  runAt?: Date;
  /** Attempts before the job is marked dead (default: the queue's default, 5). */
  maxAttempts?: number;
  /**
   * Idempotency key: enqueueing again with the same key returns the existing job's id instead of
   * adding a second job — for as long as that job exists, whatever its state (cancelling frees it).
   */
  dedupeKey?: string;
}

export interface JobQueue {
  /** Inside a caller's transaction when `trx` is given, so a job exists iff the caller's change committed. */
  enqueue(kind: string, payload: unknown, opts?: EnqueueOptions, trx?: StoreTransaction): Promise<string /* job id */>;
}

export interface JobContext {
  jobId: string;
  /** 1 on the first run; a run cut short by a crash counts as an attempt. */
  attempt: number;
  /** Aborted when this worker lost the job's lease (another worker owns it now) or is shutting down. */
  signal: AbortSignal;
  /**
   * Commits the handler's database effects in the same transaction that marks the job done, so
   * they happen exactly once even if the process is killed at any moment. Use only `trx` inside.
   * Throws LeaseLostError (and rolls back) when another worker has taken the job over. A handler
   * that never calls it is marked done after it returns. Effects outside the database (SMTP, calls)
   * are at-least-once: make them idempotent with a deterministic key derived from the job.
   */
  complete<T>(effects: (trx: StoreTransaction) => Promise<T>): Promise<T>;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void>;

/**
 * Ask for a retry, optionally after a given delay (e.g. "call again in 30 minutes"). Anything else
 * thrown also retries with exponential backoff until maxAttempts, then the job is 'dead' — except
 * a permanent failure (see PermanentJobError), which is dead at once.
 */
export class RetryableJobError extends AizuchiError {
  readonly retryAfterMs?: number;
  constructor(message: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, { code: 'retry_later', retryable: true, cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * A job that can never succeed however often it runs (a malformed payload, a mail the server
 * refused for good): the job is dead at once instead of retrying until maxAttempts. Any thrown
 * error whose `retryable` is `false` (e.g. MailSendError for a 5xx reply) counts the same.
 */
export class PermanentJobError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'permanent_failure', retryable: false });
  }
}

export function isPermanentJobFailure(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === false;
}

/** This worker no longer owns the job (its lease expired and another worker claimed it). */
export class LeaseLostError extends AizuchiError {
  constructor(jobId: string) {
    super(`job ${jobId}: lease lost to another worker`, { code: 'lease_lost' });
  }
}

/** Bad arguments to enqueue (unknown kind format, payload not JSON, bad runAt/maxAttempts); the rules are in enqueue-input.ts. Nothing is queued. */
export class JobInputError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'job_input', cause: options?.cause });
  }
}
