import { type Kysely, sql } from 'kysely';
import type { Clock } from '../domain/clock';
import type { Store } from '../store/connect';
import type { Database } from '../store/schema';
import { writeTransaction } from '../store/write-transaction';

/** Serialises check-and-record on PostgreSQL (advisory lock key unique to this use). */
const RATE_LIMIT_LOCK_KEY = 0x72_6174; // "rat"

export type Acquired = { ok: true; eventIds: number[] } | { ok: false; limit: Limit };

export interface Limit {
  /** e.g. `req:ip:<hmac>`; never a raw address or phone number. */
  bucket: string;
  max: number;
  windowMs: number;
}

/**
 * Sliding-window limits kept in the database, so they hold across restarts and across several
 * server processes. Buckets are keyed by HMACs, never by raw personal data.
 */
export class RateLimiter {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Counts events in the window without recording one. */
  async count(bucket: string, windowMs: number, db: Kysely<Database> = this.store.db): Promise<number> {
    const since = new Date(this.clock.now().getTime() - windowMs).toISOString();
    const row = await db
      .selectFrom('rate_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('bucket', '=', bucket)
      .where('at', '>', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Returns the first limit already reached, or undefined when all allow one more. One statement. */
  async firstExceeded(limits: readonly Limit[], db: Kysely<Database> = this.store.db): Promise<Limit | undefined> {
    const counts = await this.counts(limits, db);
    return limits.find((limit, i) => (counts[i] ?? 0) >= limit.max);
  }

  /**
   * Each limit's events in its window, counted only up to its `max` (enough to decide, and a bucket
   * flooded by an attack costs no more to check than a full one), in one statement: a round trip per
   * limit adds up inside a locked transaction.
   */
  async counts(limits: readonly Limit[], db: Kysely<Database> = this.store.db): Promise<number[]> {
    if (limits.length === 0) return [];
    const now = this.clock.now().getTime();
    const columns = limits.map((l, i) => {
      const since = new Date(now - l.windowMs).toISOString();
      const max = Math.max(0, Math.floor(l.max));
      return sql`(select count(*) from (select 1 from rate_events where bucket = ${l.bucket} and at > ${since} limit ${max}) w) as ${sql.ref(`c${i}`)}`;
    });
    const { rows } = await sql<Record<string, number | string>>`select ${sql.join(columns)}`.execute(db);
    return limits.map((_, i) => Number(rows[0]?.[`c${i}`] ?? 0));
  }

  /**
   * Runs `fn` in a write transaction holding the limiter's own lock (PostgreSQL advisory lock; on
   * SQLite the write transaction), for check-and-record sequences tryAcquire cannot express. Keep it
   * short: every such transaction queues behind it.
   */
  inLockedTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return writeTransaction(this.store, fn, RATE_LIMIT_LOCK_KEY);
  }

  async record(buckets: readonly string[], db: Kysely<Database> = this.store.db): Promise<void> {
    if (buckets.length === 0) return;
    const at = this.clock.now().toISOString();
    await db
      .insertInto('rate_events')
      .values(buckets.map((bucket) => ({ bucket, at })))
      .execute();
  }

  /**
   * Checks and records in one write transaction, so simultaneous callers cannot all slip under a
   * limit between a check and a record. Counts the attempt up front; `release` takes it back for
   * attempts that should not count (e.g. a sign-in that turned out right).
   */
  async tryAcquire(limits: readonly Limit[]): Promise<Acquired> {
    return writeTransaction(
      this.store,
      async (trx) => {
        const limit = await this.firstExceeded(limits, trx);
        if (limit) return { ok: false, limit } as const;
        if (limits.length === 0) return { ok: true, eventIds: [] } as const;
        const at = this.clock.now().toISOString();
        const rows = await trx
          .insertInto('rate_events')
          .values(limits.map((l) => ({ bucket: l.bucket, at })))
          .returning('id')
          .execute();
        return { ok: true, eventIds: rows.map((r) => Number(r.id)) } as const;
      },
      RATE_LIMIT_LOCK_KEY,
    );
  }

  async release(eventIds: readonly number[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.store.db
      .deleteFrom('rate_events')
      .where('id', 'in', [...eventIds])
      .execute();
  }

  /** Drops events older than the longest window we use, so the table stays small. */
  async prune(olderThanMs: number): Promise<number> {
    const before = new Date(this.clock.now().getTime() - olderThanMs).toISOString();
    const res = await this.store.db.deleteFrom('rate_events').where('at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
