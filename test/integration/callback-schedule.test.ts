import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_JOB } from '../../src/cases/callback-job';
import { RecordingDialer } from '../../src/channels/testing/recording-dialer';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

// Friday 2035-11-30 17:50 JST: open, so the callback is booked for 17:55 the same day.
const FRIDAY_1750_JST = new Date('2035-11-30T08:50:00Z');
const FRIDAY_1755_JST = '2035-11-30T08:55:00.000Z';
// The queue was down until after closing time.
const FRIDAY_1830_JST = new Date('2035-11-30T09:30:00Z');
const SUNDAY_12_JST = new Date('2035-12-02T03:00:00Z');
const MONDAY_09_JST = '2035-12-03T00:00:00.000Z';

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`callback job at run time (${db.name})`, () => {
    const clock = manualClock(FRIDAY_1750_JST);
    const dialer = new RecordingDialer();
    const dialled = dialer.dials;
    let t: TestServer;

    beforeAll(async () => {
      t = await startTestServer({
        clock,
        dialer,
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' },
      });
    });
    afterAll(async () => {
      await t?.stop();
    });

    // Finished jobs keep no payload, so the case is found through the callback's dedupe key.
    const callbackJobs = async (caseId: string) =>
      t.services.store.db
        .selectFrom('jobs')
        .select(['run_at', 'state'])
        .where('kind', '=', CALLBACK_JOB)
        .where('dedupe_key', 'like', `callback:${caseId}:%`)
        .orderBy('run_at')
        .execute();

    it('re-checks the calendar when it runs: after closing it defers to Monday 09:00, and calls only then', async () => {
      const email = `late-${db.name}@example.com`;
      await t.services.identity.createAccount({
        email,
        password: 'correct horse battery',
        name: 'Pat',
        phone: '090-1234-5678',
        lang: 'en',
        mfa: true,
      });
      const res = await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        payload: { email, phone: '090-1234-5678', lang: 'en', consent: true },
      });
      expect(res.statusCode).toBe(202);
      const [c] = await t.services.cases.list({ email });
      expect(c).toMatchObject({ state: 'scheduled', scheduled_at: FRIDAY_1755_JST });

      // Nothing is due yet: runDue sends the mail only.
      await t.services.jobs.worker.runDue();
      expect((await t.services.cases.require(c!.id)).state).toBe('scheduled');
      expect(dialled).toEqual([]);

      clock.set(FRIDAY_1830_JST);
      await t.services.jobs.worker.runDue();
      const deferred = await t.services.cases.require(c!.id);
      expect(deferred).toMatchObject({ state: 'scheduled', scheduled_at: MONDAY_09_JST, call_attempts: 0 });
      expect(dialled).toEqual([]);
      expect(await callbackJobs(c!.id)).toEqual([
        { run_at: FRIDAY_1755_JST, state: 'done' },
        { run_at: MONDAY_09_JST, state: 'queued' },
      ]);
      const last = (await t.services.cases.history(c!.id)).at(-1)!;
      expect(last.kind).toBe('callback_deferred');
      expect(JSON.parse(last.data)).toMatchObject({ reason: 'outside_hours', at: MONDAY_09_JST, from: 'scheduled', to: 'scheduled' });

      // The weekend passes without a call.
      // (Housekeeping jobs may run meanwhile; only the callback matters here.)
      clock.set(SUNDAY_12_JST);
      await t.services.jobs.worker.runDue();
      expect(dialled).toEqual([]);
      expect((await callbackJobs(c!.id)).map((j) => j.state)).toEqual(['done', 'queued']);

      clock.set(new Date('2035-12-03T00:00:30Z'));
      expect(await t.services.jobs.worker.runDue()).toBeGreaterThanOrEqual(1);
      expect(await t.services.cases.require(c!.id)).toMatchObject({ state: 'calling', call_attempts: 1 });
      expect(dialled).toEqual([{ caseId: c!.id, attempt: 1, state: 'calling' }]);
      expect((await t.services.cases.history(c!.id)).at(-1)!.kind).toBe('call_started');
      // Nothing left to run: the call is placed once.
      expect(await t.services.jobs.worker.runDue()).toBe(0);
      expect(dialled).toHaveLength(1);
    });
  });
}
