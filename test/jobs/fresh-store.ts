import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Store, openStore } from '../../src/store/connect';
import { migrateToLatest } from '../../src/store/migrate';

export interface FreshStore {
  store: Store;
  /** The URL other processes can open. */
  url: string;
  dispose(): Promise<void>;
}

/**
 * A migrated, empty database of its own: a temp SQLite file, or a new database on the PostgreSQL
 * server at `postgresUrl` (so parallel test files never see each other's jobs).
 */
export async function openFreshStore(postgresUrl?: string): Promise<FreshStore> {
  if (!postgresUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-jobs-'));
    const url = `sqlite:${path.join(dir, 'test.db')}`;
    const store = openStore(url);
    await migrateToLatest(store);
    return {
      store,
      url,
      dispose: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `aizuchi_jobs_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(postgresUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const store = openStore(url);
  await migrateToLatest(store);
  return {
    store,
    url,
    dispose: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
