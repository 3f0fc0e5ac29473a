import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALE_CALL_SWEEP_JOB } from '../../src/calls/stale-call-sweep';
import { PRUNE_SPENT_HANDOFFS_JOB } from '../../src/identity/handoff/spent-tokens';
import { PRUNE_RATE_EVENTS_JOB } from '../../src/security/prune-rate-events';
import { manualClock } from '../e2e/support/clocks';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/** What startServer sets going besides HTTP: the recurring housekeeping jobs, in the durable queue. */
describe('server start-up', () => {
  const clock = manualClock(new Date('2035-11-30T08:50:10Z'));
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ clock });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('queues the stale-call sweep (every call lease, 30 s by default), the rate-event and spent hand-off pruning (hourly), and runs them when due', async () => {
    expect(t.services.recurring.map((j) => [j.kind, j.everyMs])).toEqual([
      [PRUNE_RATE_EVENTS_JOB, 3_600_000],
      [PRUNE_SPENT_HANDOFFS_JOB, 3_600_000],
      [STALE_CALL_SWEEP_JOB, 30_000],
    ]);
    expect((await t.services.jobs.stats(STALE_CALL_SWEEP_JOB)).queued).toBe(1);
    expect((await t.services.jobs.stats(PRUNE_RATE_EVENTS_JOB)).queued).toBe(1);
    expect((await t.services.jobs.stats(PRUNE_SPENT_HANDOFFS_JOB)).queued).toBe(1);

    clock.advance(60_000);
    await t.services.jobs.worker.runDue();
    expect(await t.services.jobs.stats(STALE_CALL_SWEEP_JOB)).toMatchObject({ done: 1, queued: 1, dead: 0 });
    expect(await t.services.jobs.stats(PRUNE_RATE_EVENTS_JOB)).toMatchObject({ done: 0, queued: 1 });
  });

  it('redirects the site root to sign-in', async () => {
    const res = await t.server.app.inject({ method: 'GET', url: '/' });
    expect([res.statusCode, res.headers.location]).toEqual([302, '/signin']);
  });
});

describe('the composition root', () => {
  it('stays thin: src/main.ts is under 150 lines; the wiring of each area lives in src/compose/', () => {
    const lines = fs.readFileSync(new URL('../../src/main.ts', import.meta.url), 'utf8').split('\n').length;
    expect(lines).toBeLessThan(150);
  });
});
