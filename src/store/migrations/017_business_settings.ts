import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * The business calendar and recovery policy as an admin set them in the console (issue 10: "hours,
 * closed dates, Japanese holiday handling and the policy preset … edited by admins"). One row,
 * id 'current'; no row means the environment's values (AIZUCHI_BUSINESS_HOURS, AIZUCHI_CLOSED_DATES,
 * AIZUCHI_JAPANESE_HOLIDAYS, AIZUCHI_POLICY) apply. `version` grows by one on every save, so a
 * process can tell whether what it holds is current. The time zone stays in the environment.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema
    .createTable('business_settings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('weekly_hours', 'text', (c) => c.notNull())
    // A JSON array of YYYY-MM-DD strings.
    .addColumn('closed_dates', 'text', (c) => c.notNull())
    .addColumn('japanese_holidays', 'integer', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('business_settings').execute();
}
