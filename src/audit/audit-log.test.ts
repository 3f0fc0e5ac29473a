import { afterEach, describe, expect, it } from 'vitest';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../identity/test-stores';
import { writeTransaction } from '../store/write-transaction';
import { appendAuditEvent, appendAuditEvents, verifyAuditLog } from './audit-log';

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

    it('links a batch in the order given, between single appends running at once', async () => {
      t = await target.open();
      const store = t.store;
      const event = (caseId: string, i: number) => ({
        caseId,
        accountId: null,
        kind: `k${i}`,
        data: { i },
        at: new Date(Date.UTC(2035, 0, 1, 0, 0, i)),
      });
      const batches = Array.from({ length: 6 }, (_, b) =>
        writeTransaction(store, (trx) =>
          appendAuditEvents(
            trx,
            store.dialect,
            [0, 1, 2].map((i) => event(`batch-${b}`, i)),
          ),
        ),
      );
      const singles = Array.from({ length: 6 }, (_, i) =>
        writeTransaction(store, (trx) => appendAuditEvent(trx, store.dialect, event('single', i))),
      );
      const appended = await Promise.all(batches);
      await Promise.all(singles);
      expect(await verifyAuditLog(store)).toMatchObject({ ok: true, checked: 6 * 3 + 6 });
      // A batch takes consecutive places: nothing else lands inside it.
      for (const batch of appended) {
        expect(batch.map((e) => e.kind)).toEqual(['k0', 'k1', 'k2']);
        expect(batch.map((e) => e.seq - batch[0]!.seq)).toEqual([0, 1, 2]);
      }
      expect(await writeTransaction(store, (trx) => appendAuditEvents(trx, store.dialect, []))).toEqual([]);
    });
  });
}
