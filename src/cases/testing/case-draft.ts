import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../../identity/test-stores';
import type { CaseRow, CaseService } from '../case-service';

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

/**
 * Test support: a case for `account` (its email and number on record), opened and moved through
 * scheduled and calling to `verifying` — where a call checks who answered — as the call tests need.
 * Returns the case id.
 */
export async function openVerifyingCase(
  cases: CaseService,
  account: { id: string; email: string; phoneE164: string },
  at: Date,
  over: { assurance?: string; phoneOnRecord?: boolean } = {},
): Promise<string> {
  return cases.inTransaction(async (trx) => {
    const row = await cases.open(
      trx,
      {
        ...caseDraft(account.email, at),
        account_id: account.id,
        phone_e164: account.phoneE164,
        phone_on_record: over.phoneOnRecord === false ? 0 : 1,
        assurance: over.assurance ?? 'password_verified',
      },
      {},
    );
    for (const s of ['scheduled', 'calling', 'verifying'] as const) await cases.transition(trx, row.id, s, `test_${s}`);
    return row.id;
  });
}
