import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Each console operator's language (issue 10: "Japanese and English, per operator"), keyed by the
 * console principal's id — a local account id or `oidc:<subject>` for an SSO operator, who has no
 * account row — so one table serves both kinds of sign-in. Nothing sensitive: an id and 'ja'/'en'.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('console_preferences')
    .addColumn('operator_id', 'text', (c) => c.primaryKey())
    .addColumn('lang', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('console_preferences').execute();
}
