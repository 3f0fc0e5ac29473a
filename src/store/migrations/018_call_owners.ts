import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Who runs a call (issue 11, many processes on one database). `processes` holds one row per running
 * server process, its heartbeat renewed every few seconds (src/calls/call-owners.ts); `calls.owner_id`
 * names the process whose session took the call when it connected. The stale-call sweep abandons an
 * active call only when its owner's heartbeat is older than the lease (or the owner row is gone) —
 * not every call this process happens not to hold, which ended live calls in other processes.
 * Both dialects; times are ISO 8601 text like the rest of the schema.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('processes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('calls').addColumn('owner_id', 'text').execute();
  await db.schema.createIndex('calls_state_owner').on('calls').columns(['state', 'owner_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('calls_state_owner').execute();
  await db.schema.alterTable('calls').dropColumn('owner_id').execute();
  await db.schema.dropTable('processes').execute();
}
