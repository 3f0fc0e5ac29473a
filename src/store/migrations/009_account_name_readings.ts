import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * How to say an account holder's name in the call's language (issue 9): its kana reading (フリガナ)
 * for Japanese calls and its Latin spelling for English ones. Both optional; accounts made before this
 * migration have neither, and the agent then says no name it cannot pronounce.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('name_kana', 'text').execute();
  await db.schema.alterTable('accounts').addColumn('name_latin', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').dropColumn('name_latin').execute();
  await db.schema.alterTable('accounts').dropColumn('name_kana').execute();
}
