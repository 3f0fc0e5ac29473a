import { afterEach, describe, expect, it } from 'vitest';
import { createDbJobQueue } from '../jobs/db-job-queue';
import { ensureRecurring, recurringHandler } from '../jobs/recurring';
import { createLogger } from '../observability/logger';
import { type Store, openStore } from '../store/connect';
import { migrateToLatest } from '../store/migrate';
import { STALE_CALL_SWEEP_JOB, staleCallSweepJob } from './stale-call-sweep';

describe('stale call sweep (a recurring job)', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
  });

  async function setUp(abandonStale: () => Promise<number>) {
    store = openStore('sqlite::memory:');
    await migrateToLatest(store);
    let nowMs = Date.parse('2026-11-30T00:00:10.000Z');
    const clock = { now: () => new Date(nowMs) };
    const warnings: string[] = [];
    const logger = createLogger('silent');
    logger.warn = ((_obj: unknown, msg: string) => void warnings.push(msg)) as typeof logger.warn;
    const jobs = createDbJobQueue({ store, clock, logger: createLogger('silent'), workerId: 't' });
    const job = staleCallSweepJob({ abandonStale }, logger);
    jobs.worker.register(job.kind, recurringHandler(jobs.queue, job, clock));
    await ensureRecurring(jobs.queue, job, clock.now());
    return { jobs, warnings, advance: (ms: number) => void (nowMs += ms) };
  }

  it('is queued for the next minute and sweeps once each minute', async () => {
    let sweeps = 0;
    const { jobs, advance } = await setUp(async () => (sweeps++, 0));
    expect((await jobs.stats(STALE_CALL_SWEEP_JOB)).queued).toBe(1);
    expect(await jobs.worker.runDue()).toBe(0); // not before the next minute

    advance(60_000);
    expect(await jobs.worker.runDue()).toBe(1);
    advance(60_000);
    expect(await jobs.worker.runDue()).toBe(1);
    expect(sweeps).toBe(2);
    expect((await jobs.stats(STALE_CALL_SWEEP_JOB)).queued).toBe(1);
  });

  it('logs a failed sweep and keeps the chain going, like the timer it replaced', async () => {
    let calls = 0;
    const { jobs, warnings, advance } = await setUp(async () => {
      calls++;
      if (calls === 1) throw new Error('database went away');
      return 0;
    });
    advance(60_000);
    expect(await jobs.worker.runDue()).toBe(1);
    expect(warnings).toEqual(['stale call sweep failed']);
    expect(await jobs.stats(STALE_CALL_SWEEP_JOB)).toMatchObject({ done: 1, dead: 0, queued: 1 });
    advance(60_000);
    expect(await jobs.worker.runDue()).toBe(1);
    expect(calls).toBe(2);
  });
});
