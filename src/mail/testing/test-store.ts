import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Store, openStore } from '../../store/connect';
import { migrateToLatest } from '../../store/migrate';

export interface TestStore {
  store: Store;
  dispose(): Promise<void>;
}

/** A migrated SQLite database in a temp file, removed on dispose. */
export async function openSqliteTestStore(): Promise<TestStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-mail-'));
  const store = openStore(`sqlite:${path.join(dir, 'test.db')}`);
  await migrateToLatest(store);
  return {
    store,
    async dispose() {
      await store.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh, migrated PostgreSQL database on the server at `baseUrl`, dropped on dispose. */
export async function openPostgresTestStore(baseUrl: string): Promise<TestStore> {
  const name = `aizuchi_mail_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const store = openStore(url.toString());
  await migrateToLatest(store);
  return {
    store,
    async dispose() {
      await store.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
