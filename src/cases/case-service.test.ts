import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../audit/audit-log';
import type { TestStore } from '../identity/test-stores';
import { InvalidTransitionError } from '../domain/cases/case-state';
import { type Store, openStore } from '../store/connect';
import { migrateToLatest } from '../store/migrate';
import { CaseNotFoundError, type CaseRow, CaseService } from './case-service';
import { caseDraft, caseStores } from './testing/case-draft';

const at = new Date('2035-12-01T01:00:00Z');
const clock = { now: () => at };

const newCase = (email: string) => caseDraft(email, at);

describe('CaseService', () => {
  let store: Store;
  let cases: CaseService;

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await migrateToLatest(store);
    cases = new CaseService(store, clock);
  });
  afterEach(async () => {
    await store.close();
  });

  it('writes each change and its audit event together, keeping the chain verifiable', async () => {
    const opened = await cases.inTransaction((trx) => cases.open(trx, newCase('a@example.com'), { why: 'test' }));
    await cases.inTransaction((trx) =>
      cases.transition(trx, opened.id, 'scheduled', 'callback_scheduled', {}, { scheduled_at: '2035-12-03T00:00:00.000Z' }),
    );
    await cases.inTransaction((trx) => cases.record(trx, opened.id, 'note', { n: 1 }));
    expect(await cases.require(opened.id)).toMatchObject({ state: 'scheduled', scheduled_at: '2035-12-03T00:00:00.000Z' });
    expect((await cases.history(opened.id)).map((e) => [e.seq, e.kind])).toEqual([
      [1, 'case_opened'],
      [2, 'callback_scheduled'],
      [3, 'note'],
    ]);
    expect(await verifyAuditLog(store)).toMatchObject({ ok: true, checked: 3 });
  });

  it('refuses a transition the state machine forbids, and rolls back everything in that transaction', async () => {
    const opened = await cases.inTransaction((trx) => cases.open(trx, newCase('b@example.com'), {}));
    await cases.inTransaction((trx) => cases.transition(trx, opened.id, 'failed', 'closed', {}, { outcome: 'no_account' }));
    await expect(
      cases.inTransaction(async (trx) => {
        await cases.record(trx, opened.id, 'about_to_reopen');
        await cases.transition(trx, opened.id, 'scheduled', 'reopened');
      }),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
    expect((await cases.require(opened.id)).state).toBe('failed');
    expect((await cases.history(opened.id)).map((e) => e.kind)).toEqual(['case_opened', 'closed']);
  });

  it('names the missing case', async () => {
    await expect(cases.inTransaction((trx) => cases.transition(trx, 'nope', 'scheduled', 'x'))).rejects.toBeInstanceOf(CaseNotFoundError);
    await expect(cases.require('nope')).rejects.toThrow('no case with id nope');
  });

  it('lists cases filtered by state and by email in any letter case', async () => {
    const first = await cases.inTransaction((trx) => cases.open(trx, newCase('c@example.com'), {}));
    const second = await cases.inTransaction((trx) => cases.open(trx, newCase('d@example.com'), {}));
    await cases.inTransaction((trx) => cases.transition(trx, second.id, 'escalated', 'needs_review'));
    expect((await cases.list({ state: 'escalated' })).map((c) => c.id)).toEqual([second.id]);
    expect((await cases.list({ email: '  C@Example.COM ' })).map((c) => c.id)).toEqual([first.id]);
    expect(await cases.list({ limit: 1 })).toHaveLength(1);
  });

  it("reads a case inside the caller's transaction, seeing that transaction's own uncommitted change", async () => {
    const opened = await cases.inTransaction((trx) => cases.open(trx, newCase('e@example.com'), {}));
    const seen = await cases.inTransaction(async (trx) => {
      await cases.transition(trx, opened.id, 'escalated', 'needs_review');
      return (await cases.get(opened.id, trx))?.state;
    });
    expect(seen).toBe('escalated');
    expect(await cases.inTransaction((trx) => cases.get('nope', trx))).toBeUndefined();
  });

  it("replaces the cancel token hash of one case only, inside the caller's transaction", async () => {
    const first = await cases.inTransaction((trx) => cases.open(trx, { ...newCase('f@example.com'), cancel_token_hash: 'old-1' }, {}));
    const second = await cases.inTransaction((trx) => cases.open(trx, { ...newCase('g@example.com'), cancel_token_hash: 'old-2' }, {}));
    await expect(
      cases.inTransaction(async (trx) => {
        await cases.replaceCancelToken(trx, first.id, 'rolled-back');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect((await cases.require(first.id)).cancel_token_hash).toBe('old-1');
    await cases.inTransaction((trx) => cases.replaceCancelToken(trx, first.id, 'new-1'));
    expect((await cases.require(first.id)).cancel_token_hash).toBe('new-1');
    expect((await cases.require(second.id)).cancel_token_hash).toBe('old-2');
  });
});

// The partial unique index is dialect SQL, so the reference rules run on both databases (migration 010).
const referenceStores = caseStores();

describe.each(referenceStores)('case references on %s', (_name, open) => {
  let t: TestStore;
  let c: CaseService;
  beforeEach(async () => {
    t = await open();
    c = new CaseService(t.store, clock);
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('gives every case its own 6-digit reference, and the store refuses a second open case with one (issue 8 §4)', async () => {
    const opened: CaseRow[] = [];
    for (let i = 0; i < 30; i++) opened.push(await c.inTransaction((trx) => c.open(trx, newCase(`r${i}@example.com`), {})));
    for (const row of opened) expect(row.reference).toMatch(/^[1-9]\d{5}$/);
    expect(new Set(opened.map((r) => r.reference)).size).toBe(30);
    expect((await c.require(opened[0]!.id)).reference).toBe(opened[0]!.reference);

    // The migration 010 index backs the draw up: no two open cases share one …
    const [a, b] = opened as [CaseRow, CaseRow];
    await expect(t.store.db.updateTable('cases').set({ reference: a.reference }).where('id', '=', b.id).execute()).rejects.toThrow(
      /unique/i,
    );
    // … while a closed case's reference may repeat (the draw keeps it out for 30 days on its own).
    await c.inTransaction((trx) => c.transition(trx, a.id, 'cancelled', 'cancelled', {}, { outcome: 'cancelled' }));
    await t.store.db.updateTable('cases').set({ reference: a.reference }).where('id', '=', b.id).execute();
    expect((await c.require(b.id)).reference).toBe(a.reference);
  });

  it("appends a chain-last transaction's events at its end, in order, beside writers that lock first (issue 11)", async () => {
    // Chain-last transactions (the recovery API's) and lock-first ones (everything else) at once: one
    // unbroken chain, and each case's history in the order its transaction wrote it.
    const chainLast = Array.from({ length: 10 }, (_, i) =>
      c.inTransactionChainLast(async (trx) => {
        const row = await c.open(trx, newCase(`last${i}@example.com`), { i });
        await c.record(trx, row.id, 'note', { i });
        await c.transition(trx, row.id, 'failed', 'closed_unknown_account', {}, { outcome: 'no_account' });
        return row.id;
      }),
    );
    const lockFirst = Array.from({ length: 5 }, (_, i) =>
      c.inTransaction(async (trx) => (await c.open(trx, newCase(`first${i}@example.com`), { i })).id),
    );
    const ids = await Promise.all(chainLast);
    await Promise.all(lockFirst);
    expect(await verifyAuditLog(t.store)).toMatchObject({ ok: true, checked: 10 * 3 + 5 });
    for (const id of ids) {
      expect((await c.history(id)).map((e) => e.kind)).toEqual(['case_opened', 'note', 'closed_unknown_account']);
      expect(await c.require(id)).toMatchObject({ state: 'failed', outcome: 'no_account' });
    }
  });

  it('leaves nothing behind when a chain-last transaction fails: no case, no event', async () => {
    await expect(
      c.inTransactionChainLast(async (trx) => {
        const row = await c.open(trx, newCase('gone@example.com'), {});
        await c.transition(trx, row.id, 'resolved', 'not_allowed_from_requested');
      }),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
    expect(await c.list({ email: 'gone@example.com' })).toEqual([]);
    expect(await verifyAuditLog(t.store)).toMatchObject({ ok: true, checked: 0 });
  });
});
