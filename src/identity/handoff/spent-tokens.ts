import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../domain/clock';
import type { Database } from '../../store/schema';

/** One-time use of hand-off tokens: the `jti`s already accepted, until each token's own expiry. */
export interface SpentTokens {
  /**
   * Marks `jti` from `issuer` used; true the first time, false when it was already used (a replay).
   * `expiresAt` is the token's `exp`: after it the token is refused as expired, so the row may go.
   */
  spend(issuer: string, jti: string, expiresAt: Date): Promise<boolean>;
  /** Deletes rows whose token expired before now; returns how many. */
  prune(): Promise<number>;
}

/** Fixed-length key: a hash, so neither an over-long nor a crafted `jti` reaches the index as is. */
const jtiHash = (issuer: string, jti: string) => createHash('sha256').update(`${issuer}\n${jti}`).digest('hex');

/**
 * Spent token ids in `handoff_spent_jti` (migration 007). The insert is the check: the primary key
 * makes two redemptions of one token race safely, whichever process sees it second gets false.
 */
export function dbSpentTokens(db: Kysely<Database>, clock: Clock): SpentTokens {
  return {
    async spend(issuer, jti, expiresAt) {
      const inserted = await db
        .insertInto('handoff_spent_jti')
        .values({ jti_hash: jtiHash(issuer, jti), expires_at: expiresAt.toISOString() })
        .onConflict((oc) => oc.column('jti_hash').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    },
    async prune() {
      const result = await db.deleteFrom('handoff_spent_jti').where('expires_at', '<', clock.now().toISOString()).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export const PRUNE_SPENT_HANDOFFS_JOB = 'maintenance.prune-spent-handoffs';

/**
 * Hourly housekeeping (the jobs area's `RecurringJob` shape, like security/prune-rate-events.ts):
 * drops spent ids of tokens that have expired, which can no longer be replayed anyway, and whatever
 * else of issue 12 expires on its own (`alsoPrune`: operator SSO sessions past their end).
 */
export function pruneSpentHandoffsJob(
  spent: Pick<SpentTokens, 'prune'>,
  alsoPrune: Array<{ prune(): Promise<number> }> = [],
): { kind: string; everyMs: number; run(): Promise<void> } {
  return {
    kind: PRUNE_SPENT_HANDOFFS_JOB,
    everyMs: 3_600_000,
    run: async () => {
      await spent.prune();
      for (const other of alsoPrune) await other.prune();
    },
  };
}
