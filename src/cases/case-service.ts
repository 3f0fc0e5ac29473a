import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  AUDIT_CHAIN_LOCK,
  type AuditEventInput,
  appendAuditEvent,
  appendAuditEvents,
  caseHistory,
  lockAuditChain,
} from '../audit/audit-log';
import type { ChainedEvent } from '../audit/chain';
import { type CaseState, InvalidTransitionError, assertTransition, canReopenForCallIn, isCaseState } from '../domain/cases/case-state';
import type { Clock } from '../domain/clock';
import type { Store } from '../store/connect';
import type { CasesTable, Database } from '../store/schema';
import { writeTransaction } from '../store/write-transaction';
import { AizuchiError } from '../domain/errors';
import { type CasePage, type CaseReason, type CaseSearch, currentReasons, searchCases } from './case-search';
import { closeEscalationIn, openEscalationIn } from './escalations/escalation-rows';
import { escalationForChange } from './escalations/reasons';
import { assertNoCaseWritesYet } from './lock-order';

export type CaseRow = CasesTable;

/** What inTransactionChainLast keeps per open transaction. */
interface ChainLastState {
  /** Events held back, appended in this order just before commit. */
  events: AuditEventInput[];
  /** Cases this transaction opened: nobody else sees their rows until it commits. */
  opened: Set<string>;
  /** The chain's lock was taken early, to change a case that existed before (see lockChain). */
  chainTaken: boolean;
}

export class CaseNotFoundError extends AizuchiError {
  constructor(readonly caseId: string) {
    super(`no case with id ${caseId}`, { code: 'case_not_found' });
  }
}

/**
 * A closed case's reference is not handed out again for this long (ms): the missed-call mail quotes
 * it, and a customer calling in a week later should not match somebody else's new case.
 */
const REFERENCE_QUIET_MS = 30 * 86_400_000;

/** The migration 010 index allows one open case per reference; these states are closed. */
const CLOSED_STATES = ['resolved', 'failed', 'cancelled'] as const;

/**
 * Inserts the case with a reference of 6 random digits (100000–999999, so no leading zero to drop
 * when said or keyed) that no open case uses and no case closed since `quietSince` (ISO time) used.
 * Two transactions drawing the same one at once meet on the unique index of open references
 * (migration 010): the later insert does nothing and draws again, so no lock is needed for this.
 */
async function insertWithFreeReference(
  trx: Kysely<Database>,
  draft: Omit<CaseRow, 'reference'> & { quietSince: string },
): Promise<CaseRow> {
  const { quietSince, ...row } = draft;
  for (let i = 0; i < 20; i++) {
    const candidate = String(crypto.randomInt(100_000, 1_000_000));
    const taken = await trx
      .selectFrom('cases')
      .select('id')
      .where('reference', '=', candidate)
      .where((eb) => eb.or([eb('state', 'not in', CLOSED_STATES), eb('updated_at', '>=', quietSince)]))
      .executeTakeFirst();
    if (taken) continue;
    const full: CaseRow = { ...row, reference: candidate };
    const inserted = await trx
      .insertInto('cases')
      .values(full)
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return full;
  }
  throw new ReferencesExhaustedError();
}

/** Twenty random draws all hit a reference in use: the 900,000 are nearly used up, a person must look. */
export class ReferencesExhaustedError extends AizuchiError {
  constructor() {
    super('no free case reference after 20 draws', { code: 'references_exhausted', retryable: true });
  }
}

export interface CaseFilter {
  state?: CaseState;
  email?: string;
  /** At most this many rows (default 200, capped at 1000). */
  limit?: number;
  /** Keyset paging: only cases that sort after this one (older, or same time and smaller id). */
  after?: { createdAt: string; id: string };
}

/**
 * Cases and their hash-chained history. Every change of state and every fact about a case goes
 * through here, inside one transaction with its audit event, so the two can never disagree.
 */
export class CaseService {
  /** inTransactionChainLast's state, per open transaction. */
  private readonly chainLast = new WeakMap<Kysely<Database>, ChainLastState>();
  /** Transactions that hold the chain's lock already: from inTransaction, or taken by lockChain. */
  private readonly chainHeld = new WeakSet<Kysely<Database>>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Runs `fn` in a write transaction that also holds the audit chain's lock. */
  inTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return writeTransaction(
      this.store,
      async (trx) => {
        this.chainHeld.add(trx);
        try {
          return await fn(trx);
        } finally {
          this.chainHeld.delete(trx);
        }
      },
      AUDIT_CHAIN_LOCK,
    );
  }

  /**
   * Runs `fn` in a write transaction whose audit events (from open, transition, record,
   * reopenForCallIn) are held back and appended together after `fn`, just before commit: on
   * PostgreSQL the chain's lock, which serialises every writer of every case, is then held for three
   * statements and the commit instead of the whole transaction (issue 11: the recovery API across
   * processes). `fn` must not read case_events for its own events (they are not written yet) nor use
   * what `record` returns. On SQLite the write transaction excludes every writer anyway.
   *
   * The lock order, one for every writer (test: cases/lock-order.test.ts): **the chain's lock before
   * the row of any case that existed before the transaction.** Lock-first transactions take it at
   * the start. Here, rows of cases opened in `fn` may be written before it (no other transaction can
   * see them, so none can wait for them while holding the chain); the first change through this
   * service to any other case takes the chain's lock at that moment, and it is held to commit. Write
   * other rows of an existing case (or rows referencing it) only after such a change. Taking a row
   * lock first and the chain at the end deadlocked against a lock-first writer of the same case.
   */
  inTransactionChainLast<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return writeTransaction(this.store, async (trx) => {
      const state: ChainLastState = { events: [], opened: new Set(), chainTaken: false };
      this.chainLast.set(trx, state);
      try {
        const result = await fn(trx);
        await appendAuditEvents(trx, this.store.dialect, state.events);
        return result;
      } finally {
        this.chainLast.delete(trx);
      }
    });
  }

  /** Appends at once, or holds the event back inside inTransactionChainLast (then null). */
  private async append(trx: Kysely<Database>, input: AuditEventInput): Promise<ChainedEvent | null> {
    const state = this.chainLast.get(trx);
    if (!state) return appendAuditEvent(trx, this.store.dialect, input);
    state.events.push(input);
    return null;
  }

  /**
   * Taken before reading or writing a case, so concurrent changes to one case queue up behind each
   * other (the append takes it again, re-entrantly); a transaction opened elsewhere — a job's
   * completion, say — is serialised the same way. Inside inTransactionChainLast it is skipped for a
   * case the transaction opened itself (`caseId` undefined: opening one) and taken, once, for any
   * other: the lock order of inTransactionChainLast's docstring.
   */
  private async lockChain(trx: Kysely<Database>, caseId?: string): Promise<void> {
    const state = this.chainLast.get(trx);
    if (!state) {
      if (this.chainHeld.has(trx)) return;
      // A transaction opened elsewhere (a job's completion): it must not have written a case's rows yet.
      await assertNoCaseWritesYet(trx, this.store.dialect);
      await lockAuditChain(trx, this.store.dialect);
      this.chainHeld.add(trx);
      return;
    }
    if (caseId === undefined || state.opened.has(caseId) || state.chainTaken) return;
    await lockAuditChain(trx, this.store.dialect);
    state.chainTaken = true;
  }

  /**
   * Takes the lock order's first lock for a change to `caseId` in a transaction opened outside this
   * service (a job's completion, `ctx.complete`), before it writes any row of the case (its calls, a
   * code): open, transition and record take it themselves, but only when they are called. Throws
   * LockOrderError (cases/lock-order.ts) on PostgreSQL when the transaction already wrote such a row.
   */
  lockCase(trx: Kysely<Database>, caseId: string): Promise<void> {
    return this.lockChain(trx, caseId);
  }

  /** The case's row; the chain's lock (lockChain) already queues other writers of an existing case. */
  private caseRow(trx: Kysely<Database>, caseId: string): Promise<CaseRow | undefined> {
    return trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  }

  async open(
    trx: Kysely<Database>,
    row: Omit<CaseRow, 'id' | 'created_at' | 'updated_at' | 'call_attempts' | 'outcome'>,
    eventData: Record<string, unknown>,
  ): Promise<CaseRow> {
    const now = this.clock.now().toISOString();
    await this.lockChain(trx);
    const full = await insertWithFreeReference(trx, {
      ...row,
      id: crypto.randomUUID(),
      created_at: now,
      updated_at: now,
      call_attempts: 0,
      outcome: null,
      quietSince: new Date(this.clock.now().getTime() - REFERENCE_QUIET_MS).toISOString(),
    });
    this.chainLast.get(trx)?.opened.add(full.id);
    await this.append(trx, {
      caseId: full.id,
      accountId: full.account_id,
      kind: 'case_opened',
      data: { state: full.state, ...eventData },
      at: this.clock.now(),
    });
    return full;
  }

  /** Moves a case along the state machine and records why, atomically. */
  async transition(
    trx: Kysely<Database>,
    caseId: string,
    to: CaseState,
    kind: string,
    data: Record<string, unknown> = {},
    changes: Partial<Pick<CaseRow, 'scheduled_at' | 'outcome' | 'call_attempts'>> = {},
  ): Promise<CaseRow> {
    await this.lockChain(trx, caseId);
    const current = await this.caseRow(trx, caseId);
    if (!current) throw new CaseNotFoundError(caseId);
    assertTransition(current.state, to);
    const now = this.clock.now();
    // Issue 10: a hand-over puts the case in the escalation queue and says why in its outcome (it
    // was blank); leaving `escalated` takes it out again. Calls exhausted close the case as failed
    // and still queue it, so a person can call.
    const escalation = escalationForChange(to, kind, data);
    if (current.state === 'escalated' && to !== 'escalated') {
      await closeEscalationIn(trx, caseId, kind, now);
      if (changes.outcome === undefined && !['resolved', 'failed', 'cancelled'].includes(to)) changes = { ...changes, outcome: null };
    }
    if (escalation && to === 'escalated' && changes.outcome === undefined) changes = { ...changes, outcome: `escalated: ${escalation}` };
    await trx
      .updateTable('cases')
      .set({ ...changes, state: to, updated_at: now.toISOString() })
      .where('id', '=', caseId)
      .execute();
    if (escalation) await openEscalationIn(trx, { caseId, reason: escalation, at: now });
    await this.append(trx, {
      caseId,
      accountId: current.account_id,
      kind,
      data: { from: current.state, to, ...data },
      at: now,
    });
    return { ...current, ...changes, state: to, updated_at: now.toISOString() };
  }

  /**
   * Reopens a case whose automatic calls were all unanswered (`failed`, outcome `abandoned`, closed
   * recently: domain canReopenForCallIn) because the customer called in and was identified: back to
   * `scheduled` with the outcome cleared, audited as `kind`. Throws InvalidTransitionError otherwise.
   */
  async reopenForCallIn(trx: Kysely<Database>, caseId: string, kind: string, data: Record<string, unknown>): Promise<CaseRow> {
    await this.lockChain(trx, caseId);
    const current = await this.caseRow(trx, caseId);
    if (!current) throw new CaseNotFoundError(caseId);
    const now = this.clock.now();
    if (!canReopenForCallIn(current, now)) throw new InvalidTransitionError(current.state, 'scheduled');
    const changes = { state: 'scheduled' as const, outcome: null, updated_at: now.toISOString() };
    await trx.updateTable('cases').set(changes).where('id', '=', caseId).execute();
    // The calls-exhausted close queued the case for a person (issue 10); the customer is on the line now.
    await closeEscalationIn(trx, caseId, kind, now);
    await this.append(trx, {
      caseId,
      accountId: current.account_id,
      kind,
      data: { from: current.state, to: 'scheduled', previousOutcome: current.outcome, ...data },
      at: now,
    });
    return { ...current, ...changes };
  }

  /**
   * Records a fact without changing state (a code sent, an attempt, a notification). Returns the
   * chained event, or null inside inTransactionChainLast (appended at the end).
   */
  async record(trx: Kysely<Database>, caseId: string, kind: string, data: Record<string, unknown> = {}): Promise<ChainedEvent | null> {
    await this.lockChain(trx, caseId);
    const current = await trx.selectFrom('cases').select(['account_id']).where('id', '=', caseId).executeTakeFirst();
    if (!current) throw new CaseNotFoundError(caseId);
    return this.append(trx, { caseId, accountId: current.account_id, kind, data, at: this.clock.now() });
  }

  /**
   * The case's row, or undefined when there is none. Pass `trx` to read inside a transaction the
   * caller holds (one from inTransaction), so the row is the one its own changes will see.
   */
  async get(caseId: string, trx: Kysely<Database> = this.store.db): Promise<CaseRow | undefined> {
    return trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
  }

  /**
   * Stores the HMAC of a new "this wasn't me" token for the case, so only the newest mailed link
   * cancels it. No history event of its own: callers record why (the reset that mails the link).
   */
  async replaceCancelToken(trx: Kysely<Database>, caseId: string, tokenHash: string): Promise<void> {
    // A write to the case's row: after the chain's lock, as every writer of an existing case.
    await this.lockChain(trx, caseId);
    await trx.updateTable('cases').set({ cancel_token_hash: tokenHash }).where('id', '=', caseId).execute();
  }

  async require(caseId: string): Promise<CaseRow> {
    const row = await this.get(caseId);
    if (!row) throw new CaseNotFoundError(caseId);
    return row;
  }

  history(caseId: string): Promise<ChainedEvent[]> {
    return caseHistory(this.store, caseId);
  }

  /**
   * Cases newest first (ties by id, descending, so keyset pages neither skip nor repeat a row).
   * `after` continues from the last row of a previous page.
   */
  async list(filter: CaseFilter = {}): Promise<CaseRow[]> {
    let q = this.store.db
      .selectFrom('cases')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(Math.min(filter.limit ?? 200, 1000));
    const after = filter.after;
    if (after)
      q = q.where((eb) =>
        eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]),
      );
    if (filter.state && isCaseState(filter.state)) q = q.where('state', '=', filter.state);
    if (filter.email) q = q.where('email', '=', filter.email.trim().toLowerCase());
    return q.execute();
  }

  /** One page of cases for the console's search, with the total (see case-search.ts). */
  search(search: CaseSearch): Promise<CasePage> {
    return searchCases(this.store.db, search);
  }

  /** Why each listed case stands where it does, from its audit history (see case-search.ts). */
  reasons(rows: Pick<CaseRow, 'id' | 'state'>[]): Promise<Map<string, CaseReason>> {
    return currentReasons(this.store.db, rows);
  }

  /** Recoveries on this account in the window — a risk flag for the policy. */
  async recentCasesForAccount(accountId: string, sinceMs: number, excludeCaseId?: string): Promise<CaseRow[]> {
    const since = new Date(this.clock.now().getTime() - sinceMs).toISOString();
    let q = this.store.db.selectFrom('cases').selectAll().where('account_id', '=', accountId).where('created_at', '>', since);
    if (excludeCaseId) q = q.where('id', '!=', excludeCaseId);
    return q.execute();
  }
}
