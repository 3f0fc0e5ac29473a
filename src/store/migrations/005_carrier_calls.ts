import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect';

/**
 * Calls placed through a carrier (issue 8): which carrier carries the call and its own id for it
 * (Twilio CallSid, Telnyx call_control_id, SIP Call-ID), how far the outbound-call job got
 * (`dial_state`, so a crash between the carrier's answer and our write never dials twice) and the
 * furthest progress the carrier reported (`carrier_progress`, so a late `ringing` never overwrites
 * `ended`). A carrier's id names one call only: unique per carrier. Columns are null for softphone
 * and text calls, and for calls made before this migration.
 */
export async function up(db: Kysely<unknown>, _dialect: DialectName): Promise<void> {
  await db.schema.alterTable('calls').addColumn('carrier', 'text').execute();
  await db.schema.alterTable('calls').addColumn('carrier_call_id', 'text').execute();
  await db.schema.alterTable('calls').addColumn('dial_state', 'text').execute();
  await db.schema.alterTable('calls').addColumn('carrier_progress', 'text').execute();
  // Both SQLite and PostgreSQL treat NULLs as distinct in a unique index: calls without a leg never collide.
  await db.schema.createIndex('calls_carrier_leg').unique().on('calls').columns(['carrier', 'carrier_call_id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('calls_carrier_leg').execute();
  for (const column of ['carrier_progress', 'dial_state', 'carrier_call_id', 'carrier']) {
    await db.schema.alterTable('calls').dropColumn(column).execute();
  }
}
