import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Store } from '../store/connect';
import type { Database } from '../store/schema';
import { writeTransaction } from '../store/write-transaction';

/**
 * The SQL behind the embedded queue, over the `jobs` table. Every statement is plain portable SQL;
 * the only dialect difference is `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite serialises writers
 * with BEGIN IMMEDIATE instead).
 */

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: string;
  attempts: number;
  maxAttempts: number;
}

/** Who holds a job: the claim is fenced by worker id and attempt number. */
export interface Lease {
  jobId: string;
  workerId: string;
  attempt: number;
}

export type ClaimResult = { job: ClaimedJob } | { expiredJobId: string } | null;

export interface JobCounts {
  queued: number;
  running: number;
  done: number;
  dead: number;
}

const LAST_ERROR_MAX_CHARS = 1_000;

const dueCondition = (nowIso: string) => (eb: ExpressionBuilder<Database, 'jobs'>) =>
  eb.or([
    eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', nowIso)]),
    // A running job whose lease ran out: its worker died or stalled, so it is reclaimed.
    eb.and([eb('state', '=', 'running'), eb('locked_until', '<', nowIso)]),
  ]);

/**
 * Atomically takes the next due job of one of `kinds` (or reclaims an expired one) for `workerId`.
 * A reclaimed job that already used all its attempts is marked dead instead of being run again.
 */
export async function claimNext(
  store: Store,
  kinds: readonly string[],
  workerId: string,
  now: Date,
  leaseMs: number,
): Promise<ClaimResult> {
  if (kinds.length === 0) return null;
  const nowIso = now.toISOString();
  const due = dueCondition(nowIso);
  return writeTransaction(store, async (trx) => {
    let next = trx.selectFrom('jobs').select('id').where('kind', 'in', kinds).where(due).orderBy('run_at').orderBy('id').limit(1);
    if (store.dialect === 'postgres') next = next.forUpdate().skipLocked();
    const row = await trx
      .updateTable('jobs')
      .set((eb) => ({
        state: 'running',
        attempts: eb('attempts', '+', 1),
        locked_by: workerId,
        locked_until: new Date(now.getTime() + leaseMs).toISOString(),
        updated_at: nowIso,
      }))
      // The state condition is repeated so a row changed by a concurrent claim is not taken twice.
      .where('id', '=', next)
      .where(due)
      .returning(['id', 'kind', 'payload', 'attempts', 'max_attempts'])
      .executeTakeFirst();
    if (!row) return null;
    if (row.attempts > row.max_attempts) {
      await trx
        .updateTable('jobs')
        .set({
          state: 'dead',
          payload: SCRUBBED_PAYLOAD,
          attempts: row.max_attempts,
          locked_by: null,
          locked_until: null,
          last_error: 'lease expired on the last attempt (worker stopped or stalled)',
          updated_at: nowIso,
        })
        .where('id', '=', row.id)
        .execute();
      return { expiredJobId: row.id };
    }
    return {
      job: { id: row.id, kind: row.kind, payload: row.payload, attempts: row.attempts, maxAttempts: row.max_attempts },
    };
  });
}

/**
 * What a finished job keeps of its payload: nothing. Payloads are working data (a mail job carries
 * an address and, for the code mail, the code itself); the case history is the record, so a job
 * that is done, dead or cancelled must not keep secrets at rest.
 */
export const SCRUBBED_PAYLOAD = '{"scrubbed":true}';

function owned(lease: Lease) {
  return (eb: ExpressionBuilder<Database, 'jobs'>) =>
    eb.and([
      eb('id', '=', lease.jobId),
      eb('state', '=', 'running'),
      eb('locked_by', '=', lease.workerId),
      eb('attempts', '=', lease.attempt),
    ]);
}

/** Marks the job done inside `trx`; false when the lease is no longer ours. */
export async function markDone(trx: Kysely<Database>, lease: Lease, now: Date): Promise<boolean> {
  const res = await trx
    .updateTable('jobs')
    .set({ state: 'done', payload: SCRUBBED_PAYLOAD, locked_by: null, locked_until: null, updated_at: now.toISOString() })
    .where(owned(lease))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Extends the lease; false when it is no longer ours. */
export async function renewLease(db: Kysely<Database>, lease: Lease, now: Date, leaseMs: number): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({ locked_until: new Date(now.getTime() + leaseMs).toISOString(), updated_at: now.toISOString() })
    .where(owned(lease))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Records a failed attempt: back to 'queued' at `retryAt`, or 'dead' after the last attempt. */
export async function markFailed(
  db: Kysely<Database>,
  lease: Lease,
  now: Date,
  outcome: { dead: boolean; retryAt: Date; error: string },
): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({
      state: outcome.dead ? 'dead' : 'queued',
      ...(outcome.dead ? { payload: SCRUBBED_PAYLOAD } : {}),
      run_at: outcome.dead ? now.toISOString() : outcome.retryAt.toISOString(),
      locked_by: null,
      locked_until: null,
      last_error: outcome.error.slice(0, LAST_ERROR_MAX_CHARS),
      updated_at: now.toISOString(),
    })
    .where(owned(lease))
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Cancels a job that has not started; frees its dedupe key so it can be enqueued anew. */
export async function cancelQueuedByDedupeKey(db: Kysely<Database>, dedupeKey: string, now: Date): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set({ state: 'dead', payload: SCRUBBED_PAYLOAD, dedupe_key: null, last_error: 'cancelled', updated_at: now.toISOString() })
    .where('dedupe_key', '=', dedupeKey)
    .where('state', '=', 'queued')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function countByState(db: Kysely<Database>, kind?: string): Promise<JobCounts> {
  let q = db
    .selectFrom('jobs')
    .select((eb) => ['state', eb.fn.countAll<number | string>().as('n')])
    .groupBy('state');
  if (kind !== undefined) q = q.where('kind', '=', kind);
  const counts: JobCounts = { queued: 0, running: 0, done: 0, dead: 0 };
  for (const row of await q.execute()) {
    if (row.state in counts) counts[row.state as keyof JobCounts] = Number(row.n);
  }
  return counts;
}
