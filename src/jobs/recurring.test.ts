import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger';
import { openStore, type Store } from '../store/connect';
import { migrateToLatest } from '../store/migrate';
import { createDbJobQueue } from './db-job-queue';
import { ensureRecurring, recurringHandler } from './recurring';

describe('recurring jobs', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
  });

  it('runs once per slot, schedules the next slot, and tolerates ensure at every start', async () => {
    store = openStore('sqlite::memory:');
    await migrateToLatest(store);
    let nowMs = Date.parse('2026-11-25T00:00:00.000Z');
    const clock = { now: () => new Date(nowMs) };
    const jobs = createDbJobQueue({ store, clock, logger: createLogger('silent'), workerId: 't' });
    let runs = 0;
    const job = { kind: 'maintenance.test', everyMs: 3_600_000, run: async () => void runs++ };
    jobs.worker.register(job.kind, recurringHandler(jobs.queue, job, clock));

    await ensureRecurring(jobs.queue, job, clock.now());
    await ensureRecurring(jobs.queue, job, clock.now()); // a second process starting at the same time
    expect(await jobs.worker.runDue()).toBe(0); // not due before the next slot

    nowMs += 3_600_000;
    expect(await jobs.worker.runDue()).toBe(1);
    expect(runs).toBe(1);

    nowMs += 3_600_000;
    expect(await jobs.worker.runDue()).toBe(1);
    expect(runs).toBe(2);
    expect((await jobs.stats(job.kind)).queued).toBe(1);
  });
});
