import fs from 'node:fs';
import { type Store, isPostgresUrl, postgresStore, sqliteFileOf, sqliteStore } from './drivers';

/**
 * Opens the database for a command that only reads and must start fast (issue 11: `aizuchi hours
 * next`, < 300 ms): loads only the driver its URL names, never creates a SQLite file or folder,
 * opens SQLite read-only and runs no migrations (a command that writes uses connect.ts openStore).
 * Returns null when the URL names a SQLite file that does not exist, or `:memory:`: nothing was
 * ever stored there. Throws StoreConfigError for a URL that is neither SQLite nor PostgreSQL;
 * PostgreSQL connects on the first query, so an unreachable server fails there.
 */
export async function openStoreReadOnly(databaseUrl: string): Promise<Store | null> {
  if (isPostgresUrl(databaseUrl)) {
    const { default: pg } = await import('pg');
    return postgresStore(pg, databaseUrl, 1);
  }
  const file = sqliteFileOf(databaseUrl);
  if (file === ':memory:' || !fs.existsSync(file)) return null;
  const { default: SQLite } = await import('better-sqlite3');
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  // A writer's checkpoint can hold the file for a moment: wait for it, as openStore does.
  sqlite.pragma('busy_timeout = 10000');
  return sqliteStore(sqlite);
}
