import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * /console/sessions names the browser of each console session (issue 10, "sessions are listed and
 * revocable"): a person picks the one to revoke by where it is ("Chrome on Windows", signed in at
 * 09:02 JST). `user_agent` holds the User-Agent header the session was opened with, cut to 512
 * characters; null for sessions from before this migration and for clients that sent none. Both
 * dialects; nullable text, so no backfill.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  for (const table of ['sessions', 'operator_sso_sessions']) await db.schema.alterTable(table).addColumn('user_agent', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sessions', 'operator_sso_sessions']) await db.schema.alterTable(table).dropColumn('user_agent').execute();
}
