import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Each call records whether the dialer that placed it rings the number on record itself (carrier or
 * SIP): the reset facts read phone possession from here, never from the case (issue 7, finding 3).
 * Calls placed before this migration default to 0: they proved no phone possession.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .alterTable('calls')
    .addColumn('proves_phone_possession', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calls').dropColumn('proves_phone_possession').execute();
}
