import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../../src/identity/test-stores';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const targets = [
  { name: 'SQLite', enabled: true, open: openSqliteTestStore },
  { name: 'PostgreSQL', enabled: Boolean(postgresUrl), open: () => openPostgresTestStore(postgresUrl!) },
];

const NOW = '2026-12-01T00:00:00.000Z';
const caseRow = (id: string, accountId: string) => ({
  id,
  account_id: accountId,
  email: 'taro@example.com',
  phone_e164: '+819012345678',
  phone_on_record: 1,
  lang: 'ja',
  state: 'requested',
  assurance: 'low',
  consent_at: NOW,
  consent_version: 'v',
  recording_consent: 0,
  client_ip_hash: 'h',
  scheduled_at: null,
  call_attempts: 0,
  outcome: null,
  cancel_token_hash: null,
  created_at: NOW,
  updated_at: NOW,
});

for (const target of targets) {
  describe.runIf(target.enabled)(`migration 008 (external accounts) on ${target.name}`, () => {
    let testStore: TestStore | undefined;
    afterEach(async () => {
      await testStore?.dispose();
      testStore = undefined;
    });

    it('lets a case and a recovery lock name an account that lives only in an external provider', async () => {
      testStore = await target.open();
      const db = testStore.store.db;
      await db.insertInto('cases').values(caseRow('case-1', 'keycloak-user-7f3a')).execute();
      await db
        .insertInto('recovery_locks')
        .values({ account_id: 'keycloak-user-7f3a', locked_until: NOW, case_id: 'case-1', created_at: NOW })
        .execute();
      const row = await db.selectFrom('cases').select(['account_id', 'review_flag']).where('id', '=', 'case-1').executeTakeFirstOrThrow();
      expect(row).toEqual({ account_id: 'keycloak-user-7f3a', review_flag: null });
    });

    it('keeps the other references and the indexes of the rebuilt tables', async () => {
      testStore = await target.open();
      const db = testStore.store.db;
      // A recovery lock still needs its case, and a call still needs its case.
      await expect(
        db.insertInto('recovery_locks').values({ account_id: 'a', locked_until: NOW, case_id: 'no-such-case', created_at: NOW }).execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('calls')
          .values({
            id: 'call-1',
            case_id: 'no-such-case',
            channel: 'text',
            state: 'pending',
            token_hash: null,
            token_expires_at: null,
            started_at: null,
            ended_at: null,
            outcome: null,
            recording_path: null,
            recording_deleted_at: null,
            proves_phone_possession: 0,
            created_at: NOW,
          })
          .execute(),
      ).rejects.toThrow();
      const indexQuery =
        target.name === 'SQLite'
          ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'cases' and sql is not null`
          : sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'cases' and schemaname = current_schema()`;
      const names = (await indexQuery.execute(db)).rows.map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(['cases_state', 'cases_account']));
    });
  });
}
