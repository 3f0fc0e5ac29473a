import crypto from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_CHAIN_LOCK, verifyAuditLog } from '../audit/audit-log';
import type { TestStore } from '../identity/test-stores';
import type { Database } from '../store/schema';
import { writeTransaction } from '../store/write-transaction';
import { type CaseRow, CaseService } from './case-service';
import { LockOrderError } from './lock-order';
import { caseDraft, caseStores } from './testing/case-draft';

/**
 * One lock order for every writer of cases and their history (issue 11): the audit chain's lock
 * before the row of any case that already exists. A chain-last transaction (the recovery API's)
 * may lock rows of cases it creates itself before the chain, since nobody else can see them; when
 * it changes an existing case it takes the chain first, like everyone else. Two writers locking in
 * opposite orders deadlock on PostgreSQL ('deadlock detected', one rolled back); SQLite's write
 * transaction excludes every other writer, so there the mix only has to keep the chain whole.
 */
const at = new Date('2035-12-01T01:00:00Z');
const clock = { now: () => at };

const newCase = (email: string) => caseDraft(email, at);

/** What each settled writer ended with: 'ok', or its error's message (a deadlock names itself). */
const outcomes = (results: PromiseSettledResult<unknown>[]) =>
  results.map((r) => (r.status === 'fulfilled' ? 'ok' : String((r.reason as Error)?.message ?? r.reason)));

const stores = caseStores();

describe.each(stores)('case writers on %s', (name, open) => {
  let t: TestStore;
  let c: CaseService;
  beforeEach(async () => {
    t = await open();
    c = new CaseService(t.store, clock);
  });
  afterEach(async () => {
    await t.dispose();
  });

  async function scheduledCase(email: string): Promise<CaseRow> {
    const row = await c.inTransaction((trx) => c.open(trx, newCase(email), {}));
    return c.inTransaction((trx) => c.transition(trx, row.id, 'scheduled', 'callback_scheduled'));
  }

  /**
   * Resolves once some transaction waits for the chain's advisory lock (pg_locks, not granted), or
   * when `stop` says so. A single bigint key shows as classid (high 32 bits) and objid (low 32 bits).
   */
  async function someoneWaitsForChain(stop: { done: boolean }): Promise<void> {
    while (!stop.done) {
      const { rows } = await sql<{ n: string }>`select count(*) as n from pg_locks
        where locktype = 'advisory' and not granted and classid = 0 and objid = ${AUDIT_CHAIN_LOCK}`.execute(t.store.db);
      if (Number(rows[0]!.n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it.runIf(name === 'PostgreSQL')(
    'a chain-last change to an existing case and a lock-first change to it, at the worst moment, both commit',
    async () => {
      const x = await scheduledCase('worst@example.com');
      let rowTaken!: () => void;
      const chainLastHoldsRow = new Promise<void>((resolve) => (rowTaken = resolve));
      let chainTaken!: () => void;
      const lockFirstHoldsChain = new Promise<void>((resolve) => (chainTaken = resolve));
      const stop = { done: false };

      const chainLast = c.inTransactionChainLast(async (trx) => {
        await c.transition(trx, x.id, 'scheduled', 'rescheduled', { by: 'chain-last' });
        rowTaken();
        // Ask for the chain (the held-back append) only once the other writer holds it, or waits for it
        // because this transaction already does: the one moment two orders would close a cycle.
        await Promise.race([lockFirstHoldsChain, someoneWaitsForChain(stop)]);
      });
      await chainLastHoldsRow;
      const lockFirst = c.inTransaction(async (trx) => {
        chainTaken();
        await c.transition(trx, x.id, 'scheduled', 'rescheduled', { by: 'lock-first' });
      });
      const results = await Promise.allSettled([chainLast, lockFirst]);
      stop.done = true;

      expect(outcomes(results)).toEqual(['ok', 'ok']);
      expect((await c.history(x.id)).map((e) => [e.kind, JSON.parse(e.data).by])).toEqual([
        ['case_opened', undefined],
        ['callback_scheduled', undefined],
        ['rescheduled', 'chain-last'],
        ['rescheduled', 'lock-first'],
      ]);
      expect(await verifyAuditLog(t.store)).toMatchObject({ ok: true, checked: 4 });
    },
  );

  /** A call of the case, pending, as a dial leaves it (the columns the calls table requires). */
  async function pendingCall(caseId: string): Promise<string> {
    const id = crypto.randomUUID();
    await t.store.db
      .insertInto('calls')
      .values({
        id,
        case_id: caseId,
        channel: 'sip',
        state: 'pending',
        token_hash: `h-${id}`,
        proves_phone_possession: 1,
        created_at: at.toISOString(),
      })
      .execute();
    return id;
  }

  /** A job's completion as the queues open it (writeTransaction, no chain lock) that writes the call's row. */
  const markPlaced = (trx: Kysely<Database>, callId: string) =>
    trx.updateTable('calls').set({ dial_state: 'placed', carrier_call_id: 'leg-1' }).where('id', '=', callId).execute();

  it.runIf(name === 'PostgreSQL')(
    "a job's completion that writes a case's call row and then asks for the chain is refused, before it can wait for anybody",
    async () => {
      const x = await scheduledCase('order@example.com');
      const callId = await pendingCall(x.id);
      const wrongOrder = writeTransaction(t.store, async (trx) => {
        await markPlaced(trx, callId);
        await c.record(trx, x.id, 'call_placed', { callId });
      });
      await expect(wrongOrder).rejects.toThrow(LockOrderError);
      await expect(wrongOrder).rejects.toMatchObject({ code: 'lock_order', tables: ['calls'] });
      // Rolled back: neither the row nor the event.
      expect(await t.store.db.selectFrom('calls').select('dial_state').where('id', '=', callId).executeTakeFirstOrThrow()).toEqual({
        dial_state: null,
      });
      expect((await c.history(x.id)).map((e) => e.kind)).not.toContain('call_placed');
    },
  );

  it("a job's completion that takes the case's lock first and a chain-first writer holding the chain and the call's row: the job waits, both commit in order", async () => {
    const x = await scheduledCase('finish@example.com');
    const callId = await pendingCall(x.id);
    let chainTaken!: () => void;
    const finisherHoldsChain = new Promise<void>((resolve) => (chainTaken = resolve));
    let rowTaken!: () => void;
    const finisherHoldsRow = new Promise<void>((resolve) => (rowTaken = resolve));
    // call-finish's shape: the chain, then the call's row, then the history; it holds both a moment.
    const finisher = c.inTransaction(async (trx) => {
      chainTaken();
      await trx.updateTable('calls').set({ state: 'ended', outcome: 'abandoned' }).where('id', '=', callId).execute();
      rowTaken();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await c.record(trx, x.id, 'call_ended', { callId });
    });
    await finisherHoldsChain;
    await finisherHoldsRow;
    const job = writeTransaction(t.store, async (trx) => {
      await c.lockCase(trx, x.id);
      await markPlaced(trx, callId);
      await c.record(trx, x.id, 'call_placed', { callId });
    });
    expect(outcomes(await Promise.allSettled([finisher, job]))).toEqual(['ok', 'ok']);
    expect((await c.history(x.id)).map((e) => e.kind).slice(-2)).toEqual(['call_ended', 'call_placed']);
    expect(await verifyAuditLog(t.store)).toMatchObject({ ok: true });
  });

  it('chain-last, lock-first and job-style writers (the case lock first, then a row referencing it) on a few cases at once: no deadlock, one chain', async () => {
    const existing = await Promise.all([1, 2, 3].map((i) => scheduledCase(`busy${i}@example.com`)));
    const rounds = 15;
    let written = 0;
    for (let round = 0; round < rounds; round++) {
      const x = existing[round % existing.length]!;
      const writers = [
        // The recovery API's shape, here also touching an existing case (as a request that supersedes one would).
        c.inTransactionChainLast(async (trx) => {
          const mine = await c.open(trx, newCase(`new${round}@example.com`), { round });
          await c.transition(trx, mine.id, 'failed', 'closed_unknown_account', {}, { outcome: 'no_account' });
          await c.transition(trx, x.id, 'scheduled', 'rescheduled', { by: 'chain-last', round });
        }),
        c.inTransaction((trx) => c.transition(trx, x.id, 'scheduled', 'rescheduled', { by: 'lock-first', round })),
        // A job's completion: its own transaction (the queue's, no chain lock), the case's lock, then a
        // row that references the case and the case's history.
        writeTransaction(t.store, async (trx: Kysely<Database>) => {
          await c.lockCase(trx, x.id);
          await trx
            .insertInto('verification_codes')
            .values({
              id: crypto.randomUUID(),
              case_id: x.id,
              account_id: 'acct',
              code_hmac: 'h',
              created_at: at.toISOString(),
              expires_at: at.toISOString(),
              failed_attempts: 0,
            })
            .execute();
          await c.record(trx, x.id, 'code_sent', { by: 'job', round });
        }),
      ];
      expect(outcomes(await Promise.allSettled(writers))).toEqual(['ok', 'ok', 'ok']);
      written += 3 + 1 + 1; // the new case's two events and the existing case's change; lock-first; job
    }
    expect(await verifyAuditLog(t.store)).toMatchObject({ ok: true, checked: existing.length * 2 + written });
    for (const x of existing) {
      const kinds = (await c.history(x.id)).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'rescheduled')).toHaveLength((rounds / existing.length) * 2);
    }
  }, 120_000);
});
