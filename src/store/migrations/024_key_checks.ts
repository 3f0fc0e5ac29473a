import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Issue 11: every process on one database must hold the same master key. `key_checks` keeps one row
 * per key (`name` 'master'): `check_value`, the hex HMAC-SHA256 of a fixed label under the key
 * (src/security/key-check.ts says why it is that and never the key or a plain hash), `scheme` naming
 * how it was computed ('hmac-sha256:aizuchi key check v1'), and `created_at` (ISO 8601). The first
 * process to start after this migration writes it; every later one compares. Both dialects; no backfill.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('key_checks')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('check_value', 'text', (c) => c.notNull())
    .addColumn('scheme', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('key_checks').execute();
}
