import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Dedupe keys for a job engine that keeps its jobs in its own tables (pg-boss on PostgreSQL, issue
 * 11). pg-boss's singleton keys are per queue and only hold while a job waits, while the JobQueue
 * contract (src/jobs/queue.ts) says a key returns its job "for as long as that job exists, whatever
 * its state". The key row is written in the enqueueing transaction, so key and job commit together.
 * Created on both databases so the schema is one; the embedded queue keeps its keys in `jobs`.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('job_keys')
    .addColumn('dedupe_key', 'text', (c) => c.primaryKey())
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('job_keys').execute();
}
