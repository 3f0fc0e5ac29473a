import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/** Softphone links from the request mail (telephony/softphone/softphone-links.ts). */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('softphone_links')
    .ifNotExists()
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('softphone_links_case').ifNotExists().on('softphone_links').column('case_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('softphone_links').ifExists().execute();
}
