import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock';
import type { Database } from '../store/schema';

export interface FailureLimiter {
  /** True when any bucket already holds `maxFailures` failures inside the window. */
  isLimited(buckets: string[]): Promise<boolean>;
  recordFailure(buckets: string[]): Promise<void>;
}

/**
 * Counts failed sign-in steps in `rate_events` (a sliding window, shared by every server process
 * through the database). Buckets name what is limited: an account, a client address.
 */
export function createFailureLimiter(deps: {
  db: Kysely<Database>;
  clock: Clock;
  maxFailures: number;
  windowMs: number;
}): FailureLimiter {
  const { db, clock, maxFailures, windowMs } = deps;
  const windowStart = () => new Date(clock.now().getTime() - windowMs).toISOString();

  async function isLimited(buckets: string[]): Promise<boolean> {
    if (buckets.length === 0) return false;
    const since = windowStart();
    const rows = await db
      .selectFrom('rate_events')
      .select(['bucket', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('bucket', 'in', buckets)
      .where('at', '>', since)
      .groupBy('bucket')
      .execute();
    // PostgreSQL returns count(*) as a bigint string.
    return rows.some((r) => Number(r.n) >= maxFailures);
  }

  async function recordFailure(buckets: string[]): Promise<void> {
    if (buckets.length === 0) return;
    const at = clock.now().toISOString();
    await db
      .insertInto('rate_events')
      .values(buckets.map((bucket) => ({ bucket, at })))
      .execute();
    // Keep the table small: what fell out of the window no longer counts.
    await db.deleteFrom('rate_events').where('bucket', 'in', buckets).where('at', '<=', windowStart()).execute();
  }

  return { isLimited, recordFailure };
}
