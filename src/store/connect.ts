import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { type Store, isPostgresUrl, postgresStore, sqliteFileOf, sqliteStore } from './drivers';
import { PRIVATE_DIR_MODE, makePrivateFileSync, tightenIfPresentSync } from './private-files';

export { type Store, StoreConfigError } from './drivers';

/**
 * Opens the database named by a URL: `sqlite:/path/file.db` (the default) or `postgres://…`.
 * Both run the same queries through Kysely.
 */
export function openStore(databaseUrl: string): Store {
  if (isPostgresUrl(databaseUrl)) return postgresStore(pg, databaseUrl, 10);
  const file = sqliteFileOf(databaseUrl);
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
  return sqliteStore(sqlite);
}
