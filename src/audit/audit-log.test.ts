import { afterEach, describe, expect, it } from 'vitest';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../identity/test-stores';
import { writeTransaction } from '../store/write-transaction';
import { appendAuditEvent, verifyAuditLog } from './audit-log';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const targets = [
  { name: 'SQLite', open: openSqliteTestStore, enabled: true },
  { name: 'PostgreSQL', open: () => openPostgresTestStore(postgresUrl ?? ''), enabled: Boolean(postgresUrl) },
];

for (const target of targets) {
  describe.runIf(target.enabled)(`audit log on ${target.name}`, () => {
    let t: TestStore | undefined;
    afterEach(async () => {
      await t?.dispose();
    });

    it('keeps one unbroken chain when many transactions append at once, none holding the lock beforehand', async () => {
      t = await target.open();
      const store = t.store;
      // No lock key: only appendAuditEvent's own lock stands between the writers on PostgreSQL.
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          writeTransaction(store, (trx) =>
            appendAuditEvent(trx, store.dialect, {
              caseId: `case-${i % 4}`,
              accountId: null,
              kind: 'note',
              data: { i },
              at: new Date(Date.UTC(2035, 0, 1, 0, 0, i)),
            }),
          ),
        ),
      );
      expect(await verifyAuditLog(store)).toMatchObject({ ok: true, checked: 24 });
    });
  });
}
