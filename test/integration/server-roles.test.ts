import { afterEach, describe, expect, it } from 'vitest';
import { STALE_CALL_SWEEP_JOB } from '../../src/calls/stale-call-sweep';
import { manualClock } from '../e2e/support/clocks';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/** AIZUCHI_ROLES (or serve --roles): each process runs only its part (issue 11). */
describe('server roles', () => {
  const clock = manualClock(new Date('2035-11-30T08:50:10Z'));
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.stop();
    t = undefined;
  });

  it('worker only: runs the jobs and books the recurring ones, and listens for no web request', async () => {
    t = await startTestServer({ clock, env: { AIZUCHI_ROLES: 'worker' }, keepWorker: true });
    expect(t.server.app.server.listening).toBe(false);
    expect(t.url).toBe('');
    expect((await t.services.jobs.stats(STALE_CALL_SWEEP_JOB)).queued).toBe(1);
  });

  it('web only: serves requests and books no jobs of its own', async () => {
    t = await startTestServer({ clock, env: { AIZUCHI_ROLES: 'web' } });
    expect(t.server.app.server.listening).toBe(true);
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect((await t.services.jobs.stats(STALE_CALL_SWEEP_JOB)).queued).toBe(0);
  });
});
