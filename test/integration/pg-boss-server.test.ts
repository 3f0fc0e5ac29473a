import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_JOB } from '../../src/cases/callback-job';
import { STALE_CALL_SWEEP_JOB } from '../../src/calls/stale-call-sweep';
import { systemClock } from '../../src/domain/clock';
import { MAIL_JOB } from '../../src/mail/mail-job';
import { TEST_POSTGRES_URL } from '../e2e/support/databases';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * The whole server on PostgreSQL with no AIZUCHI_JOB_ENGINE, so on the default engine there, pg-boss
 * (issue 11): pg-boss's schema is installed at
 * start-up, the recurring jobs and a recovery request's jobs go to pg-boss (none to the embedded
 * table), and the worker runs them. pg-boss reads the database's clock, so this runs on the real one.
 */
describe.runIf(Boolean(TEST_POSTGRES_URL))('the server on PostgreSQL runs jobs on pg-boss by default', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({
      clock: systemClock,
      postgresServerUrl: TEST_POSTGRES_URL,
      env: {
        AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
        AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
        AIZUCHI_JAPANESE_HOLIDAYS: 'false',
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('queues the recurring jobs and a request’s mail and callback on pg-boss, and runs the mail', async () => {
    expect(t.services.jobs.engine).toBe('pg-boss');
    expect((await t.services.jobs.stats(STALE_CALL_SWEEP_JOB)).queued).toBe(1);

    const email = 'pgboss-story@example.com';
    await t.services.identity.createAccount({
      email,
      password: 'correct horse battery',
      name: 'Pat Smith',
      phone: '090-1234-5690',
      lang: 'en',
      mfa: true,
    });
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      remoteAddress: '198.51.100.90',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email, phone: '090-1234-5690', lang: 'en', consent: true }),
    });
    expect(res.statusCode).toBe(202);
    expect((await t.services.jobs.stats(CALLBACK_JOB)).queued).toBe(1);

    await t.services.jobs.worker.runDue();
    expect(await t.services.jobs.stats(MAIL_JOB)).toMatchObject({ queued: 0, running: 0, done: 1, dead: 0 });
    const inbox = await t.server.app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${encodeURIComponent(email)}` });
    expect((inbox.json() as unknown[]).length).toBe(1);
    expect(await t.services.store.db.selectFrom('jobs').select('id').execute()).toEqual([]);
  });
});
