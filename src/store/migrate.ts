import { type Kysely, type Migration, Migrator } from 'kysely';
import type { DialectName } from './dialect';
import * as m001 from './migrations/001_initial';
import * as m002 from './migrations/002_softphone';
import * as m003 from './migrations/003_recovery_undo';
import * as m004 from './migrations/004_call_dialer_evidence';
import * as m005 from './migrations/005_carrier_calls';
import * as m007 from './migrations/007_handoff_and_sso';
import * as m008 from './migrations/008_external_accounts';
import * as m009 from './migrations/009_account_name_readings';
import * as m010 from './migrations/010_case_reference';
import * as m011 from './migrations/011_escalations';
import * as m012 from './migrations/012_console_preferences';
import * as m014 from './migrations/014_job_keys';
import * as m015 from './migrations/015_operator_sessions_roles';
import * as m017 from './migrations/017_business_settings';
import * as m018 from './migrations/018_call_owners';
import * as m016 from './migrations/016_manual_recoveries';
import * as m019 from './migrations/019_session_user_agent';
import * as m023 from './migrations/023_manual_recovery_failure';
import * as m024 from './migrations/024_key_checks';
import type { Store } from './connect';

type DialectMigration = {
  up(db: Kysely<unknown>, dialect: DialectName): Promise<void>;
  down?(db: Kysely<unknown>): Promise<void>;
};

/** Every migration in order; add new files here. */
const MIGRATIONS: Record<string, DialectMigration> = {
  '001_initial': m001,
  '002_softphone': m002,
  '003_recovery_undo': m003,
  '004_call_dialer_evidence': m004,
  '005_carrier_calls': m005,
  '007_handoff_and_sso': m007,
  '008_external_accounts': m008,
  '009_account_name_readings': m009,
  '010_case_reference': m010,
  '011_escalations': m011,
  '012_console_preferences': m012,
  '014_job_keys': m014,
  '015_operator_sessions_roles': m015,
  '017_business_settings': m017,
  '018_call_owners': m018,
  '016_manual_recoveries': m016,
  '019_session_user_agent': m019,
  '023_manual_recovery_failure': m023,
  '024_key_checks': m024,
};

export async function migrateToLatest(store: Store): Promise<void> {
  const migrations: Record<string, Migration> = {};
  for (const [name, m] of Object.entries(MIGRATIONS)) {
    migrations[name] = { up: (db) => m.up(db, store.dialect), down: m.down };
  }
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    // Numbers are taken in parallel work and may land out of order (014 before 012): a database that ran
    // the later one first still gets the earlier one instead of refusing to start.
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}
