import type PgBoss from 'pg-boss';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../observability/logger';
import type { Store } from '../../store/connect';
import { writeTransaction } from '../../store/write-transaction';
import { type BackoffOptions, backoffDelayMs } from '../backoff';
import { createClaimLoop, describeError } from '../claim-loop';
import type { JobWorker } from '../db-worker';
import {
  type JobContext,
  type JobHandler,
  LeaseLostError,
  PermanentJobError,
  RetryableJobError,
  type StoreTransaction,
  isPermanentJobFailure,
} from '../queue';
import { type BossRun, bossDb, noMoreRetries, retryAt, scrubFinished, scrubPayload, stillOurs } from './job-rows';

/** What pg-boss stores as a job's data: the caller's payload (any JSON value) under one key. */
export interface BossEnvelope {
  payload?: unknown;
}

export interface PgBossWorkerOptions {
  boss: PgBoss;
  store: Store;
  clock: Clock;
  logger: Logger;
  workerId: string;
  /** How often an idle worker asks pg-boss for due jobs. */
  pollIntervalMs: number;
  /** A run not finished by then is aborted here; pg-boss expires it and retries it elsewhere. */
  leaseMs: number;
  /** How often this process runs pg-boss's maintenance (expire lapsed runs, archive, drop). */
  maintenanceIntervalMs: number;
  concurrency: number;
  backoff: BackoffOptions;
  random: () => number;
  /** Makes sure pg-boss has a queue per kind before fetching (creates it once). */
  ensureQueues(kinds: readonly string[]): Promise<void>;
}

function unwrap(data: unknown): unknown {
  if (typeof data !== 'object' || data === null || !('payload' in data)) throw new PermanentJobError('job data is not an aizuchi envelope');
  return (data as BossEnvelope).payload ?? null;
}

type Fetched = PgBoss.JobWithMetadata<BossEnvelope>;

/**
 * The worker for jobs kept by pg-boss. It fetches with pg-boss's own fetch (SKIP LOCKED) rather than
 * its `work()` loop, because `work()` completes or fails a job by id alone after the handler returns:
 * a run that outlived its lease would then finish the job another worker is running. Here every
 * finish — complete or fail — goes through pg-boss's API inside our transaction, after a fence on
 * the job's retry count (job-rows.ts). Semantics as the embedded worker (queue.ts): at least once,
 * ctx.complete's effects commit with the done mark, backoff from backoff.ts, permanent failures dead at once.
 */
export function createPgBossWorker(o: PgBossWorkerOptions): JobWorker {
  const handlers = new Map<string, JobHandler>();
  const log = o.logger.child({ component: 'jobs', engine: 'pg-boss', workerId: o.workerId });
  let maintenanceTimer: NodeJS.Timeout | undefined;
  let nextKind = 0;

  /** One due job of any registered kind, kinds taken in turn so one busy kind does not starve the rest. */
  async function fetchOne(): Promise<Fetched | null> {
    const kinds = [...handlers.keys()];
    await o.ensureQueues(kinds);
    for (let i = 0; i < kinds.length; i++) {
      const at = (nextKind + i) % kinds.length;
      const jobs = await o.boss.fetch<BossEnvelope>(kinds[at]!, { batchSize: 1, includeMetadata: true });
      if (jobs[0]) {
        nextKind = (at + 1) % kinds.length;
        return jobs[0];
      }
    }
    return null;
  }

  async function finish<T>(run: BossRun, effects: (trx: StoreTransaction) => Promise<T>): Promise<T> {
    return writeTransaction(o.store, async (trx) => {
      // Locking the row first fences out a run pg-boss has since expired and handed to another worker.
      if (!(await stillOurs(trx, run))) throw new LeaseLostError(run.id);
      await o.boss.complete(run.kind, run.id, {}, { db: bossDb(trx) });
      await scrubPayload(trx, run.kind, run.id);
      return effects(trx);
    });
  }

  async function runJob(job: Fetched, abort: AbortController): Promise<void> {
    const run: BossRun = { id: job.id, kind: job.name, retryCount: job.retryCount };
    const attempt = job.retryCount + 1;
    const maxAttempts = job.retryLimit + 1;
    let completed = false;
    let finishing = false;
    const leaseTimer = setTimeout(() => {
      if (!completed && !finishing) abort.abort(new LeaseLostError(job.id));
    }, o.leaseMs);

    const ctx: JobContext = {
      jobId: job.id,
      attempt,
      signal: abort.signal,
      complete: async (effects) => {
        if (completed || finishing) throw new Error(`job ${job.id}: complete() called twice`);
        finishing = true;
        try {
          const result = await finish(run, effects);
          completed = true;
          return result;
        } finally {
          finishing = false;
        }
      },
    };

    try {
      const handler = handlers.get(job.name);
      if (!handler) throw new Error(`no handler for job kind "${job.name}"`);
      await handler(unwrap(job.data), ctx);
      if (!completed) {
        finishing = true;
        await finish(run, async () => undefined);
        completed = true;
      }
      log.info({ jobId: job.id, kind: job.name, attempt }, 'job done');
    } catch (err) {
      await recordFailure(run, attempt, maxAttempts, err, completed);
    } finally {
      clearTimeout(leaseTimer);
    }
  }

  async function recordFailure(run: BossRun, attempt: number, maxAttempts: number, err: unknown, completed: boolean): Promise<void> {
    const fields = { jobId: run.id, kind: run.kind, attempt, errorName: (err as Error)?.name };
    if (completed) {
      log.warn(fields, 'job handler threw after completing; job stays done');
      return;
    }
    if (err instanceof LeaseLostError) {
      log.warn(fields, 'job lease lost; pg-boss gives the job to another run');
      return;
    }
    const dead = attempt >= maxAttempts || isPermanentJobFailure(err);
    const delayMs =
      err instanceof RetryableJobError && err.retryAfterMs !== undefined ? err.retryAfterMs : backoffDelayMs(attempt, o.backoff, o.random);
    try {
      const ours = await writeTransaction(o.store, async (trx) => {
        if (!(await stillOurs(trx, run))) return false;
        if (dead) await noMoreRetries(trx, run);
        await o.boss.fail(run.kind, run.id, { error: describeError(err) }, { db: bossDb(trx) });
        if (dead) await scrubPayload(trx, run.kind, run.id);
        else await retryAt(trx, run, new Date(o.clock.now().getTime() + delayMs));
        return true;
      });
      if (!ours) log.warn(fields, 'job failed after its lease was lost; the owner decides');
      else if (dead) log.error({ ...fields, pii: { error: describeError(err) } }, 'job dead after its last attempt');
      else log.warn({ ...fields, retryInMs: delayMs, pii: { error: describeError(err) } }, 'job failed; will retry');
    } catch (dbErr) {
      // The run stays active; pg-boss expires it after the lease and retries it.
      log.error({ ...fields, dbErrorName: (dbErr as Error)?.name }, 'could not record job failure');
    }
  }

  async function maintain(): Promise<void> {
    try {
      // Expires runs whose lease lapsed (a killed process's jobs go back to 'retry'), archives, drops.
      await o.boss.maintain();
      await scrubFinished(o.store.db);
    } catch (err) {
      log.warn({ errorName: (err as Error)?.name }, 'pg-boss maintenance failed; trying again at the next interval');
    }
  }

  const loop = createClaimLoop({
    logger: log,
    pollIntervalMs: o.pollIntervalMs,
    concurrency: o.concurrency,
    claim: fetchOne,
    idOf: (job) => job.id,
    run: runJob,
  });

  return {
    register(kind, handler) {
      if (handlers.has(kind)) throw new Error(`job kind "${kind}" already has a handler`);
      handlers.set(kind, handler);
    },
    start() {
      if (maintenanceTimer) return;
      loop.start();
      maintenanceTimer = setInterval(() => void maintain(), o.maintenanceIntervalMs);
    },
    async stop(options = {}) {
      if (maintenanceTimer) clearInterval(maintenanceTimer);
      maintenanceTimer = undefined;
      await loop.stop(options);
    },
    wake: () => loop.wake(),
    async runDue() {
      await maintain();
      let count = 0;
      for (let job = await fetchOne(); job; job = await fetchOne()) {
        await runJob(job, new AbortController());
        count++;
      }
      return count;
    },
  };
}
