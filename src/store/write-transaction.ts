import { type Kysely, type Transaction, sql } from 'kysely';
import type { Store } from './connect';
import type { Database } from './schema';

/**
 * A transaction that takes the write lock up front. SQLite's default deferred BEGIN can fail with
 * SQLITE_BUSY when two processes both read then write; BEGIN IMMEDIATE waits instead. On PostgreSQL
 * an advisory lock serialises writers of the same `lockKey` (e.g. the audit chain's head).
 */
export async function writeTransaction<T>(store: Store, fn: (trx: Kysely<Database>) => Promise<T>, lockKey?: number): Promise<T> {
  if (store.dialect === 'postgres') {
    return store.db.transaction().execute(async (trx: Transaction<Database>) => {
      if (lockKey !== undefined) await sql`select pg_advisory_xact_lock(${lockKey})`.execute(trx);
      return fn(trx);
    });
  }
  return store.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn);
      throw err;
    }
  });
}
