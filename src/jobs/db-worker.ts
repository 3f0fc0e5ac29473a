import type { Clock } from '../domain/clock';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/connect';
import { writeTransaction } from '../store/write-transaction';
import { type BackoffOptions, backoffDelayMs } from './backoff';
import { type ClaimedJob, claimNext, type Lease, markDone, markFailed, renewLease } from './job-table';
import { type JobContext, type JobHandler, LeaseLostError, PermanentJobError, RetryableJobError, isPermanentJobFailure } from './queue';
import { createClaimLoop, describeError } from './claim-loop';

/** A stored payload that is not JSON (edited by hand, truncated) can never run: dead, not retried. */
function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PermanentJobError('job payload is not valid JSON');
  }
}

export interface JobWorker {
  /** One handler per kind; this worker only claims kinds it has a handler for. */
  register(kind: string, handler: JobHandler): void;
  /** Starts polling. Idempotent. */
  start(): void;
  /**
   * Stops claiming and waits for running jobs to finish. With `abortAfterMs`, running jobs are
   * signalled to abort after that long and stop() returns; their leases lapse and another worker
   * retries them.
   */
  stop(options?: { abortAfterMs?: number }): Promise<void>;
  /** Looks for due jobs now rather than at the next poll (called after enqueue). */
  wake(): void;
  /** Runs due jobs one by one until none is left; for tests and one-shot commands, not with start(). */
  runDue(): Promise<number>;
}

export interface DbWorkerOptions {
  store: Store;
  clock: Clock;
  logger: Logger;
  workerId: string;
  pollIntervalMs: number;
  leaseMs: number;
  concurrency: number;
  backoff: BackoffOptions;
  random: () => number;
}

export function createDbWorker(o: DbWorkerOptions): JobWorker {
  const handlers = new Map<string, JobHandler>();
  const log = o.logger.child({ component: 'jobs', workerId: o.workerId });

  async function runJob(job: ClaimedJob, abort: AbortController): Promise<void> {
    const handler = handlers.get(job.kind);
    const lease: Lease = { jobId: job.id, workerId: o.workerId, attempt: job.attempts };
    let completed = false;
    // Set while the done mark is being committed: a renewal that then finds the job done is not a lost lease.
    let finishing = false;
    const renewEveryMs = Math.max(10, Math.floor(o.leaseMs / 3));
    const renewTimer = setInterval(() => {
      renewLease(o.store.db, lease, o.clock.now(), o.leaseMs).then(
        (ours) => {
          if (!ours && !finishing && !completed) abort.abort(new LeaseLostError(job.id));
        },
        (err: unknown) => log.warn({ jobId: job.id, errorName: (err as Error)?.name }, 'job lease renewal failed'),
      );
    }, renewEveryMs);

    const ctx: JobContext = {
      jobId: job.id,
      attempt: job.attempts,
      signal: abort.signal,
      complete: async (effects) => {
        if (completed || finishing) throw new Error(`job ${job.id}: complete() called twice`);
        finishing = true;
        try {
          const result = await writeTransaction(o.store, async (trx) => {
            // Taking the job first fences out a worker that reclaimed it; the effects then commit with it.
            if (!(await markDone(trx, lease, o.clock.now()))) throw new LeaseLostError(job.id);
            return effects(trx);
          });
          completed = true;
          return result;
        } finally {
          finishing = false;
        }
      },
    };

    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      await handler(parsePayload(job.payload), ctx);
      if (!completed) {
        finishing = true;
        await writeTransaction(o.store, async (trx) => {
          if (!(await markDone(trx, lease, o.clock.now()))) throw new LeaseLostError(job.id);
        });
        completed = true;
      }
      log.info({ jobId: job.id, kind: job.kind, attempt: job.attempts }, 'job done');
    } catch (err) {
      await recordFailure(job, lease, err, completed);
    } finally {
      clearInterval(renewTimer);
    }
  }

  async function recordFailure(job: ClaimedJob, lease: Lease, err: unknown, completed: boolean): Promise<void> {
    const fields = { jobId: job.id, kind: job.kind, attempt: job.attempts, errorName: (err as Error)?.name };
    if (completed) {
      // The job's work is committed; a throw after complete() does not undo it.
      log.warn(fields, 'job handler threw after completing; job stays done');
      return;
    }
    if (err instanceof LeaseLostError) {
      log.warn(fields, 'job lease lost; another worker owns the job now');
      return;
    }
    const now = o.clock.now();
    const dead = job.attempts >= job.maxAttempts || isPermanentJobFailure(err);
    const delayMs =
      err instanceof RetryableJobError && err.retryAfterMs !== undefined
        ? err.retryAfterMs
        : backoffDelayMs(job.attempts, o.backoff, o.random);
    try {
      // Error messages go to the job row for operators, and to logs only under pii (redacted).
      const ours = await markFailed(o.store.db, lease, now, {
        dead,
        retryAt: new Date(now.getTime() + delayMs),
        error: describeError(err),
      });
      if (!ours) log.warn(fields, 'job failed after its lease was lost; the owner decides');
      else if (dead) log.error({ ...fields, pii: { error: describeError(err) } }, 'job dead after its last attempt');
      else log.warn({ ...fields, retryInMs: delayMs, pii: { error: describeError(err) } }, 'job failed; will retry');
    } catch (dbErr) {
      // The lease will lapse and the job be retried by whoever claims it next.
      log.error({ ...fields, dbErrorName: (dbErr as Error)?.name }, 'could not record job failure');
    }
  }

  async function claim(): Promise<ClaimedJob | null> {
    for (;;) {
      const result = await claimNext(o.store, [...handlers.keys()], o.workerId, o.clock.now(), o.leaseMs);
      if (result === null) return null;
      if ('job' in result) return result.job;
      log.error({ jobId: result.expiredJobId }, 'job dead: its lease expired on the last attempt');
    }
  }

  const loop = createClaimLoop({
    logger: log,
    pollIntervalMs: o.pollIntervalMs,
    concurrency: o.concurrency,
    claim,
    idOf: (job) => job.id,
    run: runJob,
  });

  return {
    register(kind, handler) {
      if (handlers.has(kind)) throw new Error(`job kind "${kind}" already has a handler`);
      handlers.set(kind, handler);
    },
    start: () => loop.start(),
    stop: (options) => loop.stop(options),
    wake: () => loop.wake(),
    async runDue() {
      let count = 0;
      for (let job = await claim(); job; job = await claim()) {
        await runJob(job, new AbortController());
        count++;
      }
      return count;
    },
  };
}
