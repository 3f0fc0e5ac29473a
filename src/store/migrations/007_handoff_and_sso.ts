import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Issue 12. `handoff_spent_jti`: the ids (`jti`) of sign-in hand-off tokens already used, each kept
 * until its token would have expired anyway, so a token is accepted once (identity/handoff). Only
 * a hash of issuer and id is kept. `operator_sso_sessions`: consoles opened through the company's
 * OpenID Connect provider; the operator has no local account, so the session carries the subject,
 * the role its groups mapped to, and only the HMAC of the cookie's token.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('handoff_spent_jti')
    .ifNotExists()
    .addColumn('jti_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('handoff_spent_jti_expires').ifNotExists().on('handoff_spent_jti').column('expires_at').execute();
  await db.schema
    .createTable('operator_sso_sessions')
    .ifNotExists()
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('operator_sso_sessions_expires').ifNotExists().on('operator_sso_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('operator_sso_sessions').ifExists().execute();
  await db.schema.dropTable('handoff_spent_jti').ifExists().execute();
}
