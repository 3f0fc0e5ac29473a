import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Issue 10: an approved manual recovery whose reset cannot finish ends visibly. `manual_recoveries`
 * gains `failure_reason`, a code (cases/escalations/manual-recovery.ts ManualFailureReason) set when
 * the state becomes `failed`: the identity provider refused a step for good, the resume job ran out
 * of attempts, or the reset broke otherwise. Null for every other state and for rows from before.
 * Both dialects; nullable text, so no backfill.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('manual_recoveries').addColumn('failure_reason', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('manual_recoveries').dropColumn('failure_reason').execute();
}
