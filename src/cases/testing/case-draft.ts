import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../../identity/test-stores';
import type { CaseRow } from '../case-service';

/** Test support: what CaseService.open takes for a plain `requested` case with no account, consented at `at`. */
export function caseDraft(email: string, at: Date): Omit<CaseRow, 'id' | 'created_at' | 'updated_at' | 'call_attempts' | 'outcome'> {
  return {
    account_id: null,
    email,
    phone_e164: '+819012345678',
    phone_on_record: 1,
    lang: 'ja',
    state: 'requested',
    assurance: 'low',
    consent_at: at.toISOString(),
    consent_version: 'v1',
    recording_consent: 1,
    client_ip_hash: 'ip',
    scheduled_at: null,
    cancel_token_hash: null,
  };
}

/** Test support: a fresh migrated store per test on SQLite and, when AIZUCHI_TEST_POSTGRES_URL is set, PostgreSQL. */
export function caseStores(): Array<[string, () => Promise<TestStore>]> {
  const pgUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
  return [
    ['SQLite', openSqliteTestStore],
    ...(pgUrl ? [['PostgreSQL', () => openPostgresTestStore(pgUrl)] as [string, () => Promise<TestStore>]] : []),
  ];
}
