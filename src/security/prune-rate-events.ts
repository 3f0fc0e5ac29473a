import type { RateLimiter } from './rate-limiter';

export const PRUNE_RATE_EVENTS_JOB = 'maintenance.prune-rate-events';

/**
 * Hourly housekeeping for the rate limiter: drops `rate_events` older than two days. The longest
 * window any limit uses is a day (requests per account, calls per phone), so older events only
 * cost space; the second day is margin for clock skew between processes.
 * The shape is the jobs area's `RecurringJob`, written out because security sits below jobs.
 */
export function pruneRateEventsJob(limiter: Pick<RateLimiter, 'prune'>): { kind: string; everyMs: number; run(): Promise<void> } {
  return { kind: PRUNE_RATE_EVENTS_JOB, everyMs: 3_600_000, run: async () => void (await limiter.prune(2 * 86_400_000)) };
}
