import { type Kysely, sql } from 'kysely';
import { AizuchiError } from '../domain/errors';
import type { DialectName } from '../store/dialect';
import type { Database } from '../store/schema';

/**
 * Tables whose rows belong to a case. Every transaction that writes one of them takes the audit
 * chain's lock first (the one lock order of issue 11; test: cases/lock-order.test.ts): a chain
 * holder may wait for any of their rows, so a transaction that wrote one and then waits for the
 * chain closes a cycle ('deadlock detected' on PostgreSQL).
 */
export const CASE_OWNED_TABLES = [
  'cases',
  'calls',
  'verification_codes',
  'escalations',
  'escalation_notes',
  'manual_recoveries',
  'softphone_links',
] as const satisfies readonly (keyof Database)[];

/** A transaction asked for the chain's lock after writing rows of a case: see CASE_OWNED_TABLES. */
export class LockOrderError extends AizuchiError {
  constructor(readonly tables: string[]) {
    super(`the audit chain's lock was asked for after writing ${tables.join(', ')}: take it first (cases/lock-order.ts)`, {
      code: 'lock_order',
      retryable: false,
    });
  }
}

/**
 * Throws LockOrderError when this transaction already wrote (inserted, updated or deleted) rows of
 * a case-owned table. For a transaction opened outside CaseService (a job's completion), right
 * before it first takes the chain's lock. PostgreSQL only: a write holds RowExclusiveLock on its
 * table until commit, and pg_locks lists the backend's own. SQLite's write transaction excludes
 * every other writer, so no order can deadlock there.
 */
export async function assertNoCaseWritesYet(trx: Kysely<Database>, dialect: DialectName): Promise<void> {
  if (dialect !== 'postgres') return;
  const { rows } = await sql<{ relname: string }>`select c.relname from pg_locks l join pg_class c on c.oid = l.relation
    where l.pid = pg_backend_pid() and l.locktype = 'relation' and l.mode = 'RowExclusiveLock'
      and c.relname in (${sql.join(CASE_OWNED_TABLES.map((t) => sql.lit(t)))})`.execute(trx);
  if (rows.length > 0) throw new LockOrderError([...new Set(rows.map((r) => r.relname))].sort());
}
