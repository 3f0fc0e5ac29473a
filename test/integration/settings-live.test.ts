import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log';
import { SYSTEM_CASE_ID, recentSystemEvents } from '../../src/audit/system-events';
import { createLogger } from '../../src/observability/logger';
import { type LiveSettings, SETTINGS_CHANGED_EVENT, createLiveSettings } from '../../src/settings';
import { type Store, openStore } from '../../src/store/connect';
import { migrateToLatest } from '../../src/store/migrate';
import { type PubSub, openPubSub } from '../../src/store/pubsub';
import { deriveKeys } from '../../src/security/keys';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL, type TempPostgresDatabase, createPostgresDatabase } from '../e2e/support/databases';

/** Every process of one deployment has the same master key, so the same PubSub key. */
const PUBSUB_KEY = deriveKeys(randomBytes(32)).pubsub;

// Tuesday 2035-12-04 19:00 JST: closed; the default calendar opens next on Wednesday at 09:00.
const TUE_EVENING = new Date('2035-12-04T10:00:00Z');
const defaults = { weeklyHours: 'mon-fri 09:00-18:00', closedDates: [], japaneseHolidays: true, policy: 'standard' as const };

/** Waits for `check` to hold; the deadline only turns a hang into a clear failure. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Two processes on one database (issue 10 + 11): an admin's save in one is in force in the other
 * without a restart — at once on PostgreSQL (NOTIFY), within the re-read interval on SQLite — and
 * leaves one event in the audit chain that `aizuchi audit verify` checks.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`business settings across processes (${db.name})`, () => {
    const clock = manualClock(TUE_EVENING);
    const logger = createLogger('silent');
    let url: string;
    let pgDb: TempPostgresDatabase | null = null;
    let dir: string;
    const procs: Array<{ store: Store; pubsub: PubSub; settings: LiveSettings }> = [];

    async function startProcess(refreshMs: number) {
      const store = openStore(url);
      await migrateToLatest(store);
      const pubsub = openPubSub(store, url, logger, PUBSUB_KEY);
      const settings = createLiveSettings({ store, pubsub, clock, logger, defaults, timeZone: 'Asia/Tokyo', refreshMs });
      await settings.refresh();
      await settings.start();
      procs.push({ store, pubsub, settings });
      return { store, settings };
    }

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-settings-'));
      pgDb = db.name === 'postgres' ? await createPostgresDatabase(TEST_POSTGRES_URL!) : null;
      url = pgDb ? pgDb.url : `sqlite:${path.join(dir, 'a.db')}`;
    });
    afterAll(async () => {
      for (const p of procs) {
        await p.settings.stop();
        await p.pubsub.close();
        await p.store.close();
      }
      await pgDb?.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('a save in one process moves the other one’s next opening, and is one verified audit event', async () => {
      // On PostgreSQL the re-read is an hour apart, so only the notification can explain the switch.
      const a = await startProcess(db.name === 'postgres' ? 3_600_000 : 100);
      const b = await startProcess(db.name === 'postgres' ? 3_600_000 : 100);
      const wedNine = new Date('2035-12-05T00:00:00Z');
      expect(b.settings.calendar.nextOpen(clock.now())).toEqual(wedNine);
      expect(b.settings.current().version).toBe(0);

      const changes = await a.settings.save(
        {
          ...defaults,
          weeklyHours: 'mon-tue 09:00-18:00; wed 13:00-17:00; thu-fri 09:00-18:00',
          closedDates: ['2035-12-05'],
          policy: 'mailbox',
        },
        'admin-1',
      );
      expect(Object.keys(changes).sort()).toEqual(['closedDates', 'policy', 'weeklyHours']);
      // The saving process switches at once; Wednesday is closed, so Thursday 09:00.
      const thuNine = new Date('2035-12-06T00:00:00Z');
      expect(a.settings.calendar.nextOpen(clock.now())).toEqual(thuNine);
      await eventually(() => b.settings.calendar.nextOpen(clock.now()).getTime() === thuNine.getTime(), 'the other process switched');
      expect(b.settings.policy()).toBe('mailbox');
      expect(b.settings.current()).toMatchObject({ version: 1, updatedBy: 'admin-1', updatedAt: TUE_EVENING.toISOString() });

      // Saving the same again stores nothing and records nothing.
      expect(await a.settings.save(a.settings.current().settings, 'admin-1')).toEqual({});
      const events = await recentSystemEvents(a.store, 10, SETTINGS_CHANGED_EVENT);
      expect(events).toHaveLength(1);
      expect(events[0]!.caseId).toBe(SYSTEM_CASE_ID);
      expect(JSON.parse(events[0]!.data)).toEqual({
        actorId: 'admin-1',
        version: 1,
        changes: {
          weeklyHours: { from: 'mon-fri 09:00-18:00', to: 'mon-tue 09:00-18:00; wed 13:00-17:00; thu-fri 09:00-18:00' },
          closedDates: { from: [], to: ['2035-12-05'] },
          policy: { from: 'standard', to: 'mailbox' },
        },
      });
      expect(await verifyAuditLog(a.store)).toMatchObject({ ok: true, checked: 1 });

      // A process started later reads the saved row, not the environment.
      const c = await startProcess(3_600_000);
      expect(c.settings.calendar.nextOpen(clock.now())).toEqual(thuNine);
    });
  });
}
