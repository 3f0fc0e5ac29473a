import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import PgBoss from 'pg-boss';
import type { Clock } from '../../domain/clock';
import { AizuchiError } from '../../domain/errors';
import type { Logger } from '../../observability/logger';
import type { Store } from '../../store/connect';
import { writeTransaction } from '../../store/write-transaction';
import { type BackoffOptions, defaultBackoff } from '../backoff';
import { DEFAULT_MAX_ATTEMPTS, checkEnqueue } from '../enqueue-input';
import type { JobSystem } from '../job-system';
import type { JobCounts } from '../job-table';
import type { EnqueueOptions, JobQueue, StoreTransaction } from '../queue';
import { PGBOSS_SCHEMA, bossDb, jobState, scrubPayload } from './job-rows';
import { type BossEnvelope, createPgBossWorker } from './pg-boss-worker';

/** pg-boss asked of a database that is not PostgreSQL, or its schema could not be installed. */
export class JobEngineError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'job_engine', cause: options?.cause });
  }
}

export interface PgBossJobsOptions {
  /** A PostgreSQL store; pg-boss's tables live in the same database (schema `pgboss`), so they share transactions. */
  store: Store;
  clock: Clock;
  logger: Logger;
  /** Names this process in logs (e.g. hostname:pid). */
  workerId: string;
  /** Idle poll interval (default 1 s; pg-boss 10 has no push notification). */
  pollIntervalMs?: number;
  /**
   * How long one run may take (default 5 min): pg-boss's expireInSeconds. A run still going then is
   * aborted; pg-boss's maintenance fails it and it is retried (a killed process's jobs come back so).
   */
  leaseMs?: number;
  /** How often each worker runs pg-boss's maintenance (default 15 s). */
  maintenanceIntervalMs?: number;
  concurrency?: number;
  defaultMaxAttempts?: number;
  backoff?: BackoffOptions;
  random?: () => number;
}

/**
 * Jobs on pg-boss 10 (issue 11): for many processes on one PostgreSQL. pg-boss's SQL runs through
 * our own pool (its `db` option), so `enqueue(…, trx)` inserts the job with pg-boss's `send` inside
 * the caller's transaction, and a worker finishes a job with pg-boss's `complete`/`fail` inside the
 * transaction that writes the handler's effects — a job's effects and its completion commit together
 * or not at all, as with the embedded queue. Dedupe keys are ours (table `job_keys`, migration 014),
 * written in the same transaction, because pg-boss's singleton keys are per queue and only while a
 * job waits. Installs or upgrades pg-boss's schema (its own migrations) before returning.
 * Throws JobEngineError on a SQLite store or when the schema cannot be installed.
 */
export async function createPgBossJobs(options: PgBossJobsOptions): Promise<JobSystem> {
  const { store, clock } = options;
  if (store.dialect !== 'postgres') throw new JobEngineError('the pg-boss job engine needs PostgreSQL (AIZUCHI_DATABASE_URL=postgres://…)');
  const log = options.logger.child({ component: 'jobs', engine: 'pg-boss' });
  const leaseMs = options.leaseMs ?? 5 * 60_000;
  const defaultMaxAttempts = options.defaultMaxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const boss = new PgBoss({
    db: bossDb(store.db),
    schema: PGBOSS_SCHEMA,
    migrate: true,
    // Maintenance runs from our worker (only where jobs run), not from every process that opens the store.
    supervise: false,
    schedule: false,
  });
  boss.on('error', (err: Error) => log.warn({ errorName: err?.name }, 'pg-boss reported an error'));
  try {
    await boss.start();
  } catch (err) {
    throw new JobEngineError('could not install or check the pg-boss schema', { cause: err });
  }

  const knownQueues = new Set<string>();
  async function ensureQueues(kinds: readonly string[]): Promise<void> {
    for (const kind of kinds) {
      if (knownQueues.has(kind)) continue;
      // Idempotent (insert … on conflict do nothing): safe from every process at once.
      await boss.createQueue(kind);
      knownQueues.add(kind);
    }
  }

  const worker = createPgBossWorker({
    boss,
    store,
    clock,
    logger: options.logger,
    workerId: options.workerId,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    leaseMs,
    maintenanceIntervalMs: options.maintenanceIntervalMs ?? 15_000,
    concurrency: options.concurrency ?? 4,
    backoff: options.backoff ?? defaultBackoff,
    random: options.random ?? Math.random,
    ensureQueues,
  });

  const queue: JobQueue = {
    async enqueue(kind: string, payload: unknown, opts: EnqueueOptions = {}, trx?: StoreTransaction) {
      const checked = checkEnqueue(kind, payload, opts, clock.now(), defaultMaxAttempts);
      // Outside the caller's transaction: a queue is a partition pg-boss creates once, for good.
      await ensureQueues([kind]);
      const insert = async (db: StoreTransaction): Promise<string> => {
        const id = randomUUID();
        if (checked.dedupeKey !== null) {
          // ON CONFLICT DO NOTHING waits for a concurrent insert of the same key, then yields to it.
          // A row back means the key is ours; only a conflict costs a second statement to find its holder.
          const ours = await db
            .insertInto('job_keys')
            .values({ dedupe_key: checked.dedupeKey, job_id: id, kind, created_at: clock.now().toISOString() })
            .onConflict((oc) => oc.column('dedupe_key').doNothing())
            .returning('job_id')
            .executeTakeFirst();
          if (!ours) {
            const holder = await db
              .selectFrom('job_keys')
              .select('job_id')
              .where('dedupe_key', '=', checked.dedupeKey)
              .executeTakeFirstOrThrow();
            return holder.job_id;
          }
        }
        const data: BossEnvelope = { payload: JSON.parse(checked.payloadJson) as unknown };
        await boss.send(kind, data as object, {
          id,
          startAfter: checked.runAt,
          retryLimit: checked.maxAttempts - 1,
          // Used only when pg-boss itself retries a run whose lease lapsed; our worker sets its own backoff.
          retryDelay: Math.ceil(defaultBackoffFloorMs(options.backoff) / 1000),
          retryBackoff: true,
          expireInSeconds: Math.max(1, Math.ceil(leaseMs / 1000)),
          db: bossDb(db),
        });
        return id;
      };
      const id = trx ? await insert(trx) : await writeTransaction(store, insert);
      worker.wake();
      return id;
    },
  };

  return {
    engine: 'pg-boss',
    queue,
    worker,
    async cancelByDedupeKey(dedupeKey, trx) {
      const cancel = async (db: StoreTransaction): Promise<boolean> => {
        const key = await db.selectFrom('job_keys').selectAll().where('dedupe_key', '=', dedupeKey).executeTakeFirst();
        if (!key) return false;
        const state = await jobState(db, key.kind, key.job_id);
        // Only a job that has not started (waiting, or waiting to retry) is cancelled, as in the embedded queue.
        if (state !== 'created' && state !== 'retry') return false;
        await boss.cancel(key.kind, key.job_id, { db: bossDb(db) });
        await scrubPayload(db, key.kind, key.job_id);
        await db.deleteFrom('job_keys').where('dedupe_key', '=', dedupeKey).execute();
        return true;
      };
      return trx ? cancel(trx) : writeTransaction(store, cancel);
    },
    async stats(kind) {
      const counts: JobCounts = { queued: 0, running: 0, done: 0, dead: 0 };
      const byState: Record<string, keyof JobCounts> = {
        created: 'queued',
        retry: 'queued',
        active: 'running',
        completed: 'done',
        failed: 'dead',
        cancelled: 'dead',
      };
      const table = sql.table(`${PGBOSS_SCHEMA}.job`);
      const where = kind === undefined ? sql`` : sql`where name = ${kind}`;
      const { rows } = await sql<{
        state: string;
        n: number | string;
      }>`select state, count(*) as n from ${table} ${where} group by state`.execute(store.db);
      for (const row of rows) {
        const bucket = byState[row.state];
        if (bucket) counts[bucket] += Number(row.n);
      }
      return counts;
    },
  };
}

function defaultBackoffFloorMs(backoff: BackoffOptions | undefined): number {
  return (backoff ?? defaultBackoff).baseMs / 2;
}
