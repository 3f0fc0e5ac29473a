import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from './connect';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

// The test command always starts PostgreSQL; without it (a bare `vitest run`) there is no server to cut.
describe.runIf(Boolean(postgresUrl))('PostgreSQL store when the server ends a pooled connection', () => {
  it('keeps the process alive and answers the next query on a new connection', async () => {
    const name = `aizuchi_store_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(postgresUrl!);
    url.pathname = `/${name}`;
    const store = openStore(url.toString());
    const unhandled: unknown[] = [];
    const onError = (e: unknown) => unhandled.push(e);
    process.on('uncaughtException', onError);
    try {
      const before = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(store.db);
      const pid = before.rows[0]!.pid;
      await admin.query('select pg_terminate_backend($1)', [pid]);
      // Give the pool's idle client time to see the FATAL message and emit 'error'.
      await new Promise((r) => setTimeout(r, 300));
      const after = await sql<{ one: number }>`select 1 as one`.execute(store.db);
      expect(after.rows[0]!.one).toBe(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('uncaughtException', onError);
      await store.close().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
