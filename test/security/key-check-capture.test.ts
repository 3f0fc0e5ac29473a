import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { systemClock } from '../../src/domain/clock';
import { type Services, createServices } from '../../src/main';
import { createLogger } from '../../src/observability/logger';
import { KEY_CHECK_SCHEME, KEY_REPLACE_MARK, MasterKeyMismatchError } from '../../src/security/key-check';
import { addOperator } from '../e2e/support/console-people';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * Kind: a check that trusts whoever comes first. Migration 024 adds `key_checks` with no backfill, so
 * on a database that already holds data sealed under the real key (TOTP secrets), the first process
 * to start after the upgrade recorded ITS key as the database's. One started with a stray key (a new
 * container whose data directory lost keys/master.key: issue 11's very case) won that first place,
 * went on writing under the wrong key, and every correctly configured process was then refused. The
 * first record must agree with what the database already holds under a key.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`the first key check of an existing database (${db.name})`, () => {
    let first: TestServer;
    const dirs: string[] = [];
    const opened: Services[] = [];

    beforeAll(async () => {
      first = await startTestServer({ clock: systemClock, postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined });
      // Data sealed under the real key, then the database as migration 024 leaves an existing one: no record yet.
      await addOperator(first, { email: 'sealed-before-024@example.com', name: 'Sealed Before' });
      await first.services.store.db.deleteFrom('key_checks').execute();
    });
    afterAll(async () => {
      for (const s of opened) await s.close();
      await first?.stop();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    });

    function env(dataDir: string): Record<string, string> {
      return {
        PORT: '0',
        AIZUCHI_MAIL_CATCHER_PORT: '0',
        AIZUCHI_METRICS_PORT: '0',
        AIZUCHI_DATA_DIR: dataDir,
        AIZUCHI_DATABASE_URL: first.databaseUrl,
        AIZUCHI_LOG_LEVEL: 'warn',
        AIZUCHI_JOB_ENGINE: 'embedded',
      };
    }

    it('a stray key that starts first is refused and records nothing; the real key then records', async () => {
      const stray = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-straykey-'));
      dirs.push(stray);
      const refused = createServices(loadConfig(env(stray)), { logger: createLogger('silent') });
      await expect(refused).rejects.toBeInstanceOf(MasterKeyMismatchError);
      expect(await first.services.store.db.selectFrom('key_checks').selectAll().execute()).toHaveLength(0);

      const real = await createServices(loadConfig(env(first.dataDir)), { logger: createLogger('silent') });
      opened.push(real);
      expect(await first.services.store.db.selectFrom('key_checks').selectAll().execute()).toHaveLength(1);
    });

    it('a key replaced on purpose (the record marked, README) is recorded by the next process', async () => {
      await first.services.store.db.updateTable('key_checks').set({ scheme: KEY_REPLACE_MARK }).where('name', '=', 'master').execute();
      const replacement = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-newkey-'));
      dirs.push(replacement);
      opened.push(await createServices(loadConfig(env(replacement)), { logger: createLogger('silent') }));
      const rows = await first.services.store.db.selectFrom('key_checks').selectAll().execute();
      expect(rows.map((r) => r.scheme)).toEqual([KEY_CHECK_SCHEME]);
      // The old key is now the stray one.
      await expect(createServices(loadConfig(env(first.dataDir)), { logger: createLogger('silent') })).rejects.toBeInstanceOf(
        MasterKeyMismatchError,
      );
    });
  });
}
