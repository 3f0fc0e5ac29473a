import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { runCli } from '../e2e/support/run-cli';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/** `aizuchi cases …` and `aizuchi audit verify` as real processes against the server's database. */
const CASE_KEYS = [
  'assurance',
  'callAttempts',
  'consentAt',
  'consentVersion',
  'createdAt',
  'email',
  'id',
  'lang',
  'outcome',
  'phone',
  'phoneOnRecord',
  'recordingConsent',
  'scheduledAt',
  'state',
  'updatedAt',
];

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`aizuchi cases / audit (${db.name})`, () => {
    let t: TestServer;
    let env: Record<string, string>;
    const email = `cli-${db.name}@example.com`;

    beforeAll(async () => {
      t = await startTestServer({
        clock: manualClock(new Date('2035-12-01T01:00:00Z')),
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' },
      });
      env = { AIZUCHI_DATA_DIR: t.dataDir, AIZUCHI_DATABASE_URL: t.databaseUrl, AIZUCHI_LOG_LEVEL: 'warn' };
      await t.services.identity.createAccount({
        email,
        password: 'correct horse battery',
        name: 'Pat',
        phone: '090-1234-5678',
        lang: 'en',
        mfa: true,
      });
      for (const phone of ['090-1234-5678', '080-5555-0003']) {
        const res = await t.server.app.inject({
          method: 'POST',
          url: '/api/v1/recovery-requests',
          payload: { email, phone, lang: 'en', consent: true },
        });
        expect(res.statusCode).toBe(202);
      }
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('prints cases and one case with its history as JSON', { timeout: 300_000 }, async () => {
      const [scheduled] = await t.services.cases.list({ state: 'scheduled' });
      const [list, filtered, show, missing] = await Promise.all([
        runCli(['cases', 'list', '--json'], env),
        runCli(['cases', 'list', '--json', '--state', 'escalated'], env),
        runCli(['cases', 'show', scheduled!.id, '--json'], env),
        runCli(['cases', 'show', 'no-such-case', '--json'], env),
      ]);

      expect(list).toMatchObject({ code: 0, stderr: '' });
      const { items, nextCursor } = JSON.parse(list.stdout) as { items: Array<Record<string, unknown>>; nextCursor: string | null };
      expect(nextCursor).toBeNull();
      expect(items).toHaveLength(2);
      for (const item of items) expect(Object.keys(item).sort()).toEqual(CASE_KEYS);
      expect(items.map((i) => i.state).sort()).toEqual(['escalated', 'scheduled']);
      const s = items.find((i) => i.state === 'scheduled')!;
      expect(s).toMatchObject({
        id: scheduled!.id,
        email,
        phone: '+81 90-****-5678',
        phoneOnRecord: true,
        lang: 'en',
        assurance: 'low',
        scheduledAt: '2035-12-03T00:00:00.000Z',
        callAttempts: 0,
        recordingConsent: true,
        outcome: null,
      });

      expect(filtered.code).toBe(0);
      expect((JSON.parse(filtered.stdout) as { items: Array<{ state: string }> }).items.map((i) => i.state)).toEqual(['escalated']);

      expect(show).toMatchObject({ code: 0, stderr: '' });
      const one = JSON.parse(show.stdout) as {
        id: string;
        state: string;
        history: Array<{ seq: number; at: string; kind: string; data: Record<string, unknown>; hash: string }>;
      };
      expect(one).toMatchObject({ id: scheduled!.id, state: 'scheduled' });
      expect(one.history.map((h) => h.kind)).toEqual(['case_opened', 'callback_scheduled']);
      for (const h of one.history) {
        expect(Object.keys(h).sort()).toEqual(['at', 'data', 'hash', 'kind', 'seq']);
        expect(h.hash).toMatch(/^[0-9a-f]{64}$/);
      }
      expect(one.history[1]!.data).toMatchObject({ from: 'requested', to: 'scheduled', at: '2035-12-03T00:00:00.000Z' });

      expect(missing.code).toBe(1);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toBe('aizuchi: no case with id no-such-case\n');
    });

    it('audit verify: intact, then names the event a raw SQL edit altered and exits 1', { timeout: 300_000 }, async () => {
      const events = await t.services.store.db.selectFrom('case_events').select(['seq', 'hash']).orderBy('seq').execute();
      expect(events.length).toBeGreaterThanOrEqual(4);
      const head = events.at(-1)!.hash;

      const intact = await runCli(['audit', 'verify'], env);
      expect(intact).toMatchObject({ code: 0, stderr: '' });
      expect(intact.stdout).toBe(`audit chain intact: ${events.length} events, head ${head}\n`);

      // Someone with database access rewrites history: the second event now says something else.
      await sql`update case_events set data = ${'{"from":"requested","to":"scheduled","at":"2035-12-01T02:00:00.000Z"}'} where seq = 2`.execute(
        t.services.store.db,
      );

      const [altered, alteredJson] = await Promise.all([runCli(['audit', 'verify'], env), runCli(['audit', 'verify', '--json'], env)]);
      expect(altered.code).toBe(1);
      expect(altered.stdout).toBe('audit chain ALTERED at event #2: its contents do not match its hash (1 events before it are intact)\n');
      expect(alteredJson.code).toBe(1);
      expect(JSON.parse(alteredJson.stdout)).toMatchObject({ ok: false, checked: 1, firstBreak: { seq: 2, problem: 'hash_mismatch' } });
    });
  });
}
