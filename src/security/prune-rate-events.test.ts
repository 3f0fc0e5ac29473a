import { describe, expect, it } from 'vitest';
import { PRUNE_RATE_EVENTS_JOB, pruneRateEventsJob } from './prune-rate-events';

describe('rate-event pruning job', () => {
  it('runs hourly and keeps two days of events (the longest limit window is one day)', async () => {
    const pruned: number[] = [];
    const job = pruneRateEventsJob({ prune: async (olderThanMs) => (pruned.push(olderThanMs), 0) });
    expect([job.kind, job.everyMs]).toEqual([PRUNE_RATE_EVENTS_JOB, 3_600_000]);
    await job.run();
    expect(pruned).toEqual([2 * 86_400_000]);
  });
});
