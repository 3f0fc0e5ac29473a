import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Store, openStore } from '../store/connect';
import { migrateToLatest } from '../store/migrate';

/** Test support: a migrated store of each kind, isolated per call and removed afterwards. */
export interface TestStore {
  store: Store;
  dispose(): Promise<void>;
}

export async function openSqliteTestStore(): Promise<TestStore> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-identity-'));
  const store = openStore(`sqlite:${path.join(dir, 'test.db')}`);
  await migrateToLatest(store);
  return {
    store,
    dispose: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the given server, so parallel test files never see each other's rows. */
export async function openPostgresTestStore(serverUrl: string): Promise<TestStore> {
  const name = `identity_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = openStore(url.toString());
  await migrateToLatest(store);
  return {
    store,
    dispose: async () => {
      await store.close();
      const drop = new pg.Client({ connectionString: serverUrl });
      await drop.connect();
      try {
        await drop.query(`drop database if exists ${name}`);
      } finally {
        await drop.end();
      }
    },
  };
}
