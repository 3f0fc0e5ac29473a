import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger';
import { createLiveSettings } from '../../src/settings';
import { openStore } from '../../src/store/connect';
import { migrateToLatest } from '../../src/store/migrate';
import { openPubSub } from '../../src/store/pubsub';
import { deriveKeys } from '../../src/security/keys';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL, type TempPostgresDatabase, createPostgresDatabase } from '../e2e/support/databases';
import { runCli } from '../e2e/support/run-cli';

/** Every process of one deployment has the same master key, so the same PubSub key. */
const PUBSUB_KEY = deriveKeys(randomBytes(32)).pubsub;

// Tuesday 2035-12-04 19:00 JST, closed. The environment's hours (weekdays 09:00–18:00) open next on
// Wednesday at 09:00; the hours an admin saves below close that Wednesday, so they open on Thursday.
const TUE_EVENING = '2035-12-04T19:00:00+09:00';
const WED_NINE = '2035-12-05T09:00:00.000+09:00';
const THU_NINE = '2035-12-06T09:00:00.000+09:00';
const env = { weeklyHours: 'mon-fri 09:00-18:00', closedDates: [], japaneseHolidays: true, policy: 'standard' as const };

/**
 * `aizuchi hours next` reports the hours in force (issue 11, the issue 10 settings): an admin's
 * save in /console/settings moves its answer as it moves the scheduler's, through the real CLI
 * process on each database; without saved settings it answers from the environment and says why on
 * stderr when the database is missing or not migrated, and it never creates or migrates one.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`aizuchi hours next and the saved business settings (${db.name})`, () => {
    let dir: string;
    let pgDb: TempPostgresDatabase | null = null;
    let url: string;
    const cli = (databaseUrl: string) =>
      runCli(['hours', 'next', '--from', TUE_EVENING], { AIZUCHI_DATA_DIR: dir, AIZUCHI_DATABASE_URL: databaseUrl });

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-cli-hours-'));
      pgDb = db.name === 'postgres' ? await createPostgresDatabase(TEST_POSTGRES_URL!) : null;
      url = pgDb ? pgDb.url : `sqlite:${path.join(dir, 'aizuchi.db')}`;
    });
    afterAll(async () => {
      await pgDb?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('before migrations: the environment’s hours, saying why on stderr, and the database left as it was', async () => {
      if (db.name === 'sqlite') {
        const absent = await cli(url);
        expect(absent).toEqual({
          code: 0,
          stdout: `${WED_NINE}\n`,
          stderr: `aizuchi: no database at ${path.join(dir, 'aizuchi.db')} yet: the business hours are the environment's\n`,
        });
        expect(fs.existsSync(path.join(dir, 'aizuchi.db'))).toBe(false);
        new Database(path.join(dir, 'aizuchi.db')).close(); // an empty file: a database never migrated
      }
      const unmigrated = await cli(url);
      expect(unmigrated).toEqual({
        code: 0,
        stdout: `${WED_NINE}\n`,
        stderr: "aizuchi: the database is not migrated yet (aizuchi serve migrates it): the business hours are the environment's\n",
      });
      // Read-only: still no tables.
      const store = openStore(url);
      try {
        await expect(store.db.selectFrom('business_settings').selectAll().execute()).rejects.toThrow();
      } finally {
        await store.close();
      }
    });

    it('after an admin’s save: the saved hours, on stdout alone', async () => {
      const store = openStore(url);
      const logger = createLogger('silent');
      const pubsub = openPubSub(store, url, logger, PUBSUB_KEY);
      try {
        await migrateToLatest(store);
        expect(await cli(url)).toEqual({ code: 0, stdout: `${WED_NINE}\n`, stderr: '' });

        const settings = createLiveSettings({
          store,
          pubsub,
          clock: manualClock(new Date(TUE_EVENING)),
          logger,
          defaults: env,
          timeZone: 'Asia/Tokyo',
        });
        await settings.save(
          { ...env, weeklyHours: 'mon-tue 09:00-18:00; wed 13:00-17:00; thu-fri 09:00-18:00', closedDates: ['2035-12-05'] },
          'admin-1',
        );
        // What the server's own calendar now says, and what the command says.
        expect(settings.calendar.nextOpen(new Date(TUE_EVENING)).toISOString()).toBe(new Date(THU_NINE).toISOString());
        expect(await cli(url)).toEqual({ code: 0, stdout: `${THU_NINE}\n`, stderr: '' });
      } finally {
        await pubsub.close();
        await store.close();
      }
    });
  });
}

describe('aizuchi hours next without a database to ask', () => {
  it('fails with one line naming what it could not read (never the URL’s password), rather than guess', async () => {
    const r = await runCli(['hours', 'next'], { AIZUCHI_DATABASE_URL: 'postgres://aizuchi:s3cret@127.0.0.1:9/aizuchi' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^aizuchi: could not read the business settings saved in the database: .+\n$/u);
    expect(r.stderr).not.toContain('s3cret');
  });
});
