import type SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type pg from 'pg';
import { AizuchiError } from '../domain/errors';
import type { DialectName } from './dialect';
import type { Database } from './schema';

/**
 * Kysely over each driver. The driver module is passed in, so connect.ts (every command that
 * writes) can load both drivers up front while read-only.ts loads only the one its URL names.
 */
export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

export class StoreConfigError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'store_config', cause: options?.cause });
  }
}

/** `postgres://…` or `postgresql://…`. */
export function isPostgresUrl(databaseUrl: string): boolean {
  return databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://');
}

/** The file of a `sqlite:` URL (`:memory:` included); throws StoreConfigError for any other URL that is not PostgreSQL's. */
export function sqliteFileOf(databaseUrl: string): string {
  if (!databaseUrl.startsWith('sqlite:')) throw new StoreConfigError('AIZUCHI_DATABASE_URL must start with sqlite: or postgres://');
  return databaseUrl.slice('sqlite:'.length);
}

/** A pool of at most `max` connections to PostgreSQL. */
export function postgresStore(driver: typeof pg, databaseUrl: string, max: number): Store {
  // BIGINT (int8) comes back as a string by default; our sequence numbers fit in a double.
  driver.types.setTypeParser(20, (v) => Number(v));
  const pool = new driver.Pool({ connectionString: databaseUrl, max });
  // An idle pooled client whose server connection ends (database restart, failover, an admin's
  // terminate) emits 'error' on the pool; unheard, that event kills the process. The pool drops the
  // client and the next query connects again, so nothing is lost by listening (node-postgres docs, Pool "error").
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/** An open better-sqlite3 database (its pragmas already set by the caller). */
export function sqliteStore(database: SQLite.Database): Store {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * True when a query failed because its table does not exist: a database older than the migration
 * that creates it. PostgreSQL: SQLSTATE 42P01 (undefined_table); SQLite: "no such table".
 */
export function isMissingTableError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e?.code === '42P01') return true;
  return e?.code === 'SQLITE_ERROR' && typeof e.message === 'string' && e.message.startsWith('no such table');
}
