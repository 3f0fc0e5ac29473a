import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DialectName } from './dialect';
import type { Database } from './schema';
import { PRIVATE_DIR_MODE, makePrivateFileSync, tightenIfPresentSync } from './private-files';
import { AizuchiError } from '../domain/errors';

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

/**
 * Opens the database named by a URL: `sqlite:/path/file.db` (the default) or `postgres://…`.
 * Both run the same queries through Kysely.
 */
export function openStore(databaseUrl: string): Store {
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    // BIGINT (int8) comes back as a string by default; our sequence numbers fit in a double.
    pg.types.setTypeParser(20, (v) => Number(v));
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
    // An idle pooled client whose server connection ends (database restart, failover, an admin's
    // terminate) emits 'error' on the pool; unheard, that event kills the process. The pool drops the
    // client and the next query connects again, so nothing is lost by listening (node-postgres docs, Pool "error").
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file !== ':memory:') {
      // The folder only when we make it (it may be one the operator chose); the file always 0600,
      // before SQLite creates it: SQLite gives the -wal and -shm files the database file's mode.
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
      makePrivateFileSync(file);
    }
    const sqlite = new SQLite(file);
    // WAL lets the server and CLI commands share the file; busy_timeout makes writers wait, not fail.
    sqlite.pragma('journal_mode = WAL');
    // Files an older version left with the umask's mode.
    if (file !== ':memory:') for (const suffix of ['-wal', '-shm']) tightenIfPresentSync(`${file}${suffix}`);
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  throw new StoreConfigError('AIZUCHI_DATABASE_URL must start with sqlite: or postgres://');
}
