import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Issue 10 (escalations lead somewhere). `escalations`: one row each time a case is handed to a
 * person (the call's reason, when, who holds it, how it was closed); at most one open per case,
 * held by a partial unique index both SQLite and PostgreSQL support. The SLA deadline is not stored:
 * it is `opened_at` plus AIZUCHI_ESCALATION_SLA_MIN, so changing the setting applies to the queue.
 * `escalation_notes`: what operators wrote; each note is also an audit event (its length, not its text).
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('escalations')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('resolution', 'text')
    .execute();
  await db.schema.createIndex('escalations_case').ifNotExists().on('escalations').column('case_id').execute();
  await db.schema
    .createIndex('escalations_one_open_per_case')
    .ifNotExists()
    .unique()
    .on('escalations')
    .column('case_id')
    .where(sql.ref('closed_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('escalation_notes')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('escalation_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('escalation_notes_case').ifNotExists().on('escalation_notes').column('case_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('escalation_notes').ifExists().execute();
  await db.schema.dropTable('escalations').ifExists().execute();
}
