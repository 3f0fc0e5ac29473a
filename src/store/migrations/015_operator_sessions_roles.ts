import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Operator accounts (issue 10, "Operators are the most valuable accounts here").
 *
 * `console_roles`: the console role (viewer / operator / admin) of each LOCAL operator account,
 * keyed like console_preferences by the console principal's id; SSO operators keep the role their
 * groups map to. Local operators were all admins before this migration, so each existing one is
 * given `admin` here: an upgrade takes nothing away; new operators start lower (identity/operator-roles.ts).
 *
 * `sessions` and `operator_sso_sessions` gain what listing, expiry and re-authentication need:
 * `public_id` (what /console/sessions shows and revokes; never the cookie's token nor its HMAC,
 * which is the lookup key), `auth_at` (the last time the person proved who they are: password +
 * TOTP, or the provider's auth_time) and `last_seen_at` (idle expiry). Old rows get a public id
 * derived from their stored hash and their creation time for both times.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('console_roles')
    .addColumn('operator_id', 'text', (c) => c.primaryKey())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into console_roles (operator_id, role, updated_at, updated_by)
    select id, 'admin', updated_at, 'migration-015' from accounts where role = 'operator'`.execute(db);

  for (const [table, key] of [
    ['sessions', 'id_hash'],
    ['operator_sso_sessions', 'token_hash'],
  ] as const) {
    await db.schema.alterTable(table).addColumn('public_id', 'text').execute();
    await db.schema.alterTable(table).addColumn('auth_at', 'text').execute();
    await db.schema.alterTable(table).addColumn('last_seen_at', 'text').execute();
    await sql`update ${sql.table(table)} set public_id = substr(${sql.ref(key)}, 1, 32), auth_at = created_at, last_seen_at = created_at`.execute(
      db,
    );
    await db.schema.createIndex(`${table}_public_id`).on(table).column('public_id').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['sessions', 'operator_sso_sessions']) {
    await db.schema.dropIndex(`${table}_public_id`).execute();
    for (const column of ['last_seen_at', 'auth_at', 'public_id']) await db.schema.alterTable(table).dropColumn(column).execute();
  }
  await db.schema.dropTable('console_roles').execute();
}
