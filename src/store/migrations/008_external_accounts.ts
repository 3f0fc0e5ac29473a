import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Accounts may live in an external identity provider (AIZUCHI_IDENTITY, issue 12): a case's
 * `account_id` (and a recovery lock's) is then the provider's user id, with no row in `accounts`.
 * We drop the foreign key to `accounts` rather than keep a local shadow row per external user: a
 * shadow row would need a password hash and a unique email in the table the embedded sign-in reads,
 * so an operator's local account and a customer in the provider with the same email would collide,
 * and a copy of the provider's contact facts would go stale (they are always read fresh through the
 * provider). With the embedded provider the ids are still `accounts.id`; `sessions` keeps its key.
 *
 * SQLite cannot drop a constraint: each table is rebuilt from its own stored definition minus the
 * reference (the documented 12-step procedure, with foreign keys off meanwhile — SQLite migrations
 * run outside a transaction), keeping every column other migrations added and every index.
 */
const TABLES = ['cases', 'recovery_locks'] as const;

export async function up(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') {
    const found = await sql<{ constraint_name: string; table_name: string }>`
      select tc.constraint_name, tc.table_name
        from information_schema.table_constraints tc
        join information_schema.constraint_column_usage ccu
          on ccu.constraint_name = tc.constraint_name and ccu.constraint_schema = tc.constraint_schema
       where tc.constraint_type = 'FOREIGN KEY'
         and tc.table_schema = current_schema()
         and tc.table_name in ('cases', 'recovery_locks')
         and ccu.table_name = 'accounts'`.execute(db);
    for (const c of found.rows) {
      await sql`alter table ${sql.table(c.table_name)} drop constraint ${sql.ref(c.constraint_name)}`.execute(db);
    }
    return;
  }
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  try {
    for (const table of TABLES) await rebuildWithoutAccountReference(db, table);
    const broken = await sql`PRAGMA foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error(`008: ${broken.rows.length} foreign key violations after the rebuild`);
  } finally {
    await sql`PRAGMA foreign_keys = ON`.execute(db);
  }
}

async function rebuildWithoutAccountReference(db: Kysely<unknown>, table: string): Promise<void> {
  const stored = await sql<{ sql: string }>`select sql from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  const definition = stored.rows[0]?.sql;
  if (!definition) throw new Error(`008: table ${table} not found`);
  const withoutReference = definition.replace(/\s+references\s+"?accounts"?\s*\(\s*"?id"?\s*\)/gi, '');
  if (withoutReference === definition) return;
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
  const temp = `${table}_008`;
  const createTemp = withoutReference.replace(/^create table\s+"?[a-z_]+"?/i, `create table "${temp}"`);
  await sql.raw(createTemp).execute(db);
  await sql.raw(`insert into "${temp}" select * from "${table}"`).execute(db);
  await sql.raw(`drop table "${table}"`).execute(db);
  await sql.raw(`alter table "${temp}" rename to "${table}"`).execute(db);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
}

/** Nothing to undo that is safe: cases of external accounts would break a restored reference. */
export async function down(): Promise<void> {}
