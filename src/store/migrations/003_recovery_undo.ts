import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * What "this wasn't me" leaves behind (cases/recovery-undo.ts): a lock on self-service recovery per
 * account, a freeze on enrolling a new factor, and a flag that puts a closed case before a person.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('recovery_locks')
    .ifNotExists()
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('locked_until', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('accounts').addColumn('enrolment_frozen_at', 'text').execute();
  await db.schema.alterTable('cases').addColumn('review_flag', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('cases').dropColumn('review_flag').execute();
  await db.schema.alterTable('accounts').dropColumn('enrolment_frozen_at').execute();
  await db.schema.dropTable('recovery_locks').ifExists().execute();
}
