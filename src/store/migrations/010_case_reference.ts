import { randomInt } from 'node:crypto';
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Every case gets a 6-digit reference the customer keys or says when calling in (issue 8 §4): random,
 * so one reference says nothing about the next, and unique among cases still open. Closed cases keep
 * theirs (the missed-call mail quotes it), so a reference may repeat only after its case has closed.
 * Cases made before this migration get one here.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('cases').addColumn('reference', 'text').execute();
  const rows = await sql<{ id: string }>`select id from cases order by created_at`.execute(db);
  const used = new Set<string>();
  for (const { id } of rows.rows) {
    let reference: string;
    do reference = String(randomInt(100_000, 1_000_000));
    while (used.has(reference) && used.size < 900_000);
    used.add(reference);
    await sql`update cases set reference = ${reference} where id = ${id}`.execute(db);
  }
  // Partial unique index: SQLite and PostgreSQL both take `where` on an index.
  await db.schema
    .createIndex('cases_open_reference')
    .on('cases')
    .column('reference')
    .unique()
    .where(sql.raw<SqlBool>(`state not in ('resolved', 'failed', 'cancelled')`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_open_reference').execute();
  await db.schema.alterTable('cases').dropColumn('reference').execute();
}
