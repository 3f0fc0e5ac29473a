import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Issue 10 (manual recovery by a person, the two-person rule). `manual_recoveries`: one row per
 * operator's submission of the checklist for a case: who asked, the items ticked and the evidence
 * the reset will record (JSON text), and — when a second operator must decide — its state
 * (`pending` → `approved` | `rejected` | `expired`), who decided and until when it may be. The
 * approval is one conditional UPDATE on `state = 'pending'`, so two approvals at once change one row.
 * At most one pending request per case (partial unique index, SQLite and PostgreSQL alike).
 * `requester_person` is an HMAC of the requester's email, so the same person signed in through SSO
 * and locally is still one person; no address is stored.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('manual_recoveries')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('escalation_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('privileged', 'integer', (c) => c.notNull())
    .addColumn('checklist', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requester_person', 'text')
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .execute();
  await db.schema.createIndex('manual_recoveries_case').ifNotExists().on('manual_recoveries').column('case_id').execute();
  await db.schema
    .createIndex('manual_recoveries_one_pending_per_case')
    .ifNotExists()
    .unique()
    .on('manual_recoveries')
    .column('case_id')
    .where(sql.ref('state'), '=', 'pending')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('manual_recoveries').ifExists().execute();
}
