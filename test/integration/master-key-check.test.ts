import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { systemClock } from '../../src/domain/clock';
import { type Services, createServices } from '../../src/main';
import { createLogger } from '../../src/observability/logger';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { type CliResult, runCli } from '../e2e/support/run-cli';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * Every process on one database must hold the same master key (issue 11, many processes): one with
 * another key computes other rate-limit buckets and token hashes and cannot read the TOTP secrets. The
 * first process records a check value of its key; a later one with another key refuses to start —
 * in-process (createServices, as `serve` and every CLI command build it) and as real `aizuchi`
 * processes — and one with the same key starts. SQLite and, when the suite has a server, PostgreSQL.
 */
const masterKeyFile = (dataDir: string) => path.join(dataDir, 'keys', 'master.key');

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`one master key per database (${db.name})`, () => {
    let first: TestServer;
    const dirs: string[] = [];
    const opened: Services[] = [];

    beforeAll(async () => {
      first = await startTestServer({ clock: systemClock, postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined });
    });
    afterAll(async () => {
      for (const s of opened) await s.close();
      await first?.stop();
      for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A data directory of its own, so its own fresh master key, unless `dataDir` is given. */
    function processEnv(dataDir?: string): Record<string, string> {
      const dir = dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-otherkey-'));
      if (!dataDir) dirs.push(dir);
      return {
        PORT: '0',
        AIZUCHI_MAIL_CATCHER_PORT: '0',
        AIZUCHI_METRICS_PORT: '0',
        AIZUCHI_DATA_DIR: dir,
        AIZUCHI_DATABASE_URL: first.databaseUrl,
        AIZUCHI_LOG_LEVEL: 'warn',
        AIZUCHI_JOB_ENGINE: 'embedded',
      };
    }

    async function open(env: Record<string, string>): Promise<Services> {
      const services = await createServices(loadConfig(env), { logger: createLogger('silent') });
      opened.push(services);
      return services;
    }

    it('the database keeps a check value of the key, neither the key nor a plain hash of it', async () => {
      const rows = await first.services.store.db.selectFrom('key_checks').selectAll().execute();
      expect(rows).toHaveLength(1);
      const stored = JSON.stringify(rows);
      const fileText = fs.readFileSync(masterKeyFile(first.dataDir), 'utf8').trim();
      const key = Buffer.from(fileText, 'base64');
      for (const leak of [
        fileText,
        key.toString('hex'),
        key.toString('base64url'),
        crypto.createHash('sha256').update(key).digest('hex'),
        crypto.createHash('sha256').update(fileText).digest('hex'),
      ]) {
        expect(stored).not.toContain(leak);
      }
      expect(rows[0]!.check_value).toMatch(/^[0-9a-f]{64}$/);
    });

    it('a second process with the same key (the same data directory) starts', async () => {
      const same = await open(processEnv(first.dataDir));
      expect(await same.store.db.selectFrom('key_checks').select('check_value').execute()).toHaveLength(1);
    });

    it('a second process with another key refuses to start, naming the variable and what to do, with no key material', async () => {
      const env = processEnv();
      const err = await open(env).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Error);
      const message = (err as Error).message;
      expect(message).toContain('AIZUCHI_DATA_DIR');
      expect(message).toContain('keys/master.key');
      expect(message).toMatch(/same master key/);
      const mine = fs.readFileSync(masterKeyFile(env.AIZUCHI_DATA_DIR!), 'utf8').trim();
      const theirs = fs.readFileSync(masterKeyFile(first.dataDir), 'utf8').trim();
      const [row] = await first.services.store.db.selectFrom('key_checks').select('check_value').execute();
      for (const secret of [mine, theirs, row!.check_value]) expect(message).not.toContain(secret);
      // The first key's record is untouched: the refused process wrote nothing over it.
      expect(await first.services.store.db.selectFrom('key_checks').select('check_value').execute()).toEqual([row]);
    });

    /** `aizuchi serve --roles worker` and `aizuchi cases list` as real processes: both exit 2 with nothing on stdout; their stderr. */
    async function refusedByBoth(env: Record<string, string>): Promise<string[]> {
      const results: CliResult[] = await Promise.all([
        runCli(['serve', '--roles', 'worker'], env, { killAfterMs: 60_000 }),
        runCli(['cases', 'list', '--json'], env),
      ]);
      for (const r of results) {
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
      }
      return results.map((r) => r.stderr);
    }

    it('`aizuchi serve --roles worker` and `aizuchi cases list` with another key exit 2 with the same one line', async () => {
      const env = processEnv();
      for (const stderr of await refusedByBoth(env)) {
        expect(stderr).toMatch(/^aizuchi: configuration: .*same master key.*AIZUCHI_DATA_DIR.*\n$/s);
        expect(stderr).not.toContain(fs.readFileSync(masterKeyFile(env.AIZUCHI_DATA_DIR!), 'utf8').trim());
      }
    }, 120_000);

    it('a hand-written master.key (short, or not base64) stops `serve` and `cases list` with exit 2 naming the file, and records nothing', async () => {
      const before = await first.services.store.db.selectFrom('key_checks').selectAll().execute();
      for (const content of ['letmein-letmein\n', 'this is my key: 0123456789abcdef0123456789abcdef\n']) {
        const env = processEnv();
        fs.mkdirSync(path.join(env.AIZUCHI_DATA_DIR!, 'keys'), { mode: 0o700 });
        fs.writeFileSync(masterKeyFile(env.AIZUCHI_DATA_DIR!), content, { mode: 0o600 });
        for (const stderr of await refusedByBoth(env)) {
          expect(stderr).toMatch(/^aizuchi: configuration: the master key file .*master\.key .*32 random bytes in base64.*\n$/s);
          expect(stderr).toContain(masterKeyFile(env.AIZUCHI_DATA_DIR!));
          expect(stderr).not.toContain(content.trim());
          expect(stderr).not.toContain('letmein');
        }
        // The file is left as it was for its owner to fix: never replaced by a generated key.
        expect(fs.readFileSync(masterKeyFile(env.AIZUCHI_DATA_DIR!), 'utf8')).toBe(content);
      }
      expect(await first.services.store.db.selectFrom('key_checks').selectAll().execute()).toEqual(before);
    }, 120_000);
  });
}
