import { CompiledQuery, type Kysely, sql } from 'kysely';
import type PgBoss from 'pg-boss';
import type { Database } from '../../store/schema';
import { SCRUBBED_PAYLOAD } from '../job-table';

/**
 * The few statements aizuchi runs on pg-boss's own `job` table, beside pg-boss's API (send, fetch,
 * complete, fail, cancel), all inside one of our transactions: a fence (is this run still ours?),
 * the retry time our backoff chose, "no more retries" for a permanent failure, and scrubbing a
 * finished job's payload. Column names are pg-boss 10's schema (node_modules/pg-boss/src/plans.js).
 */

/** pg-boss installs its tables in this schema (its default). */
export const PGBOSS_SCHEMA = 'pgboss';

/**
 * pg-boss's `Db` seam over one of our Kysely handles, so its SQL runs in our pool — or in our transaction.
 *
 * pg-boss sends some plans as one string with its own `BEGIN; …; COMMIT;` (schema install, migrations;
 * plans.js `locked`), and on purpose lets a racing install fail with "already exists" (contractor.js
 * `create`). An error mid-string skips the COMMIT, so the pooled connection went back still inside an
 * aborted transaction, and whatever query drew it next failed with "current transaction is aborted"
 * (CI: four CLI processes starting at once on a fresh database). On our pool, each call therefore gets
 * one connection of its own, rolled back when the call fails (a ROLLBACK outside a transaction is only
 * a warning). Inside our transaction the error aborts that transaction, which its owner rolls back.
 */
export function bossDb(db: Kysely<Database>): PgBoss.Db {
  const rowsOf = (result: { rows: unknown[] }) => ({ rows: result.rows as Record<string, unknown>[] });
  return {
    async executeSql(text: string, values: unknown[]) {
      const query = CompiledQuery.raw(text, values ?? []);
      if (db.isTransaction) return rowsOf(await db.executeQuery(query));
      return db.connection().execute(async (conn) => {
        try {
          return rowsOf(await conn.executeQuery(query));
        } catch (err) {
          await conn.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
          throw err;
        }
      });
    },
  };
}

/** A fetched run of a job: pg-boss counts retries from 0, so the run's attempt is retryCount + 1. */
export interface BossRun {
  id: string;
  kind: string;
  retryCount: number;
}

const job = sql.table(`${PGBOSS_SCHEMA}.job`);

/**
 * Locks the job's row and says whether `run` still owns it: still active and not retried since we
 * fetched it. A run whose job pg-boss expired (the process stalled past the lease) and another
 * worker fetched again sees a higher retry_count and must not finish it.
 */
export async function stillOurs(trx: Kysely<Database>, run: BossRun): Promise<boolean> {
  const { rows } = await sql<{ state: string; retry_count: number }>`
    select state, retry_count from ${job} where name = ${run.kind} and id = ${run.id}::uuid for update`.execute(trx);
  const row = rows[0];
  return row !== undefined && row.state === 'active' && Number(row.retry_count) === run.retryCount;
}

/** Makes the next fail() final: pg-boss retries only while retry_count < retry_limit. */
export async function noMoreRetries(trx: Kysely<Database>, run: BossRun): Promise<void> {
  await sql`update ${job} set retry_limit = retry_count where name = ${run.kind} and id = ${run.id}::uuid`.execute(trx);
}

/** After fail() put the job in 'retry': run it again at `at` (our backoff or the handler's retryAfterMs). */
export async function retryAt(trx: Kysely<Database>, run: BossRun, at: Date): Promise<void> {
  await sql`update ${job} set start_after = ${at.toISOString()}::timestamptz
    where name = ${run.kind} and id = ${run.id}::uuid and state = 'retry'`.execute(trx);
}

/** A finished job keeps nothing of its payload (codes, addresses): the case history is the record. */
export async function scrubPayload(trx: Kysely<Database>, kind: string, id: string): Promise<void> {
  await sql`update ${job} set data = ${SCRUBBED_PAYLOAD}::jsonb where name = ${kind} and id = ${id}::uuid`.execute(trx);
}

/** The job's state, or undefined when there is no such job (never was, or archived). */
export async function jobState(trx: Kysely<Database>, kind: string, id: string): Promise<string | undefined> {
  const { rows } = await sql<{ state: string }>`
    select state from ${job} where name = ${kind} and id = ${id}::uuid for update`.execute(trx);
  return rows[0]?.state;
}

/**
 * Scrubs the payloads of finished jobs that did not finish through our code: a run pg-boss's own
 * maintenance failed for good after its lease lapsed on the last attempt (the process was killed).
 */
export async function scrubFinished(db: Kysely<Database>): Promise<void> {
  await sql`update ${job} set data = ${SCRUBBED_PAYLOAD}::jsonb
    where state in ('completed', 'failed', 'cancelled') and data <> ${SCRUBBED_PAYLOAD}::jsonb`.execute(db);
}
