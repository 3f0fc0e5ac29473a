import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Where the suite's PostgreSQL server is, when scripts/test.sh (or the developer) started one. */
export const TEST_POSTGRES_URL = process.env.AIZUCHI_TEST_POSTGRES_URL;

/** The databases a test file runs against: SQLite always, PostgreSQL when a server is available. */
export const DATABASES: Array<{ name: 'sqlite' | 'postgres'; enabled: boolean }> = [
  { name: 'sqlite', enabled: true },
  { name: 'postgres', enabled: Boolean(TEST_POSTGRES_URL) },
];

export interface TempPostgresDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database on the test server, so parallel test files never see each other's rows. */
export async function createPostgresDatabase(serverUrl: string): Promise<TempPostgresDatabase> {
  const name = `aizuchi_it_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
