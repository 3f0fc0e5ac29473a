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

export type CaseRow = CasesTable;

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
  /** Events held back by inTransactionChainLast, per open transaction. */
  private readonly heldEvents = new WeakMap<Kysely<Database>, AuditEventInput[]>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Runs `fn` in a write transaction that also holds the audit chain's lock. */
  inTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return writeTransaction(this.store, fn, AUDIT_CHAIN_LOCK);
  }

  /**
   * Runs `fn` in a write transaction whose audit events (from open, transition, record,
   * reopenForCallIn) are held back and appended together after `fn`, just before commit: on
   * PostgreSQL the chain's lock, which serialises every writer of every case, is then held for three
   * statements and the commit instead of the whole transaction (issue 11: the recovery API across
   * processes). A case changed here is locked by its row instead (FOR UPDATE), which queues changes
   * to that case alone. `fn` must not read case_events for its own events (they are not written yet)
   * nor use what `record` returns. On SQLite the write transaction excludes every writer anyway.
   */
  inTransactionChainLast<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return writeTransaction(this.store, async (trx) => {
      const held: AuditEventInput[] = [];
      this.heldEvents.set(trx, held);
      try {
        const result = await fn(trx);
        await appendAuditEvents(trx, this.store.dialect, held);
        return result;
      } finally {
        this.heldEvents.delete(trx);
      }
    });
  }

  /** Appends at once, or holds the event back inside inTransactionChainLast (then null). */
  private async append(trx: Kysely<Database>, input: AuditEventInput): Promise<ChainedEvent | null> {
    const held = this.heldEvents.get(trx);
    if (!held) return appendAuditEvent(trx, this.store.dialect, input);
    held.push(input);
    return null;
  }

  /**
   * Taken before reading a case, so concurrent changes to one case queue up behind each other (the
   * append takes it again, re-entrantly); a transaction opened elsewhere — a job's completion, say —
   * is serialised the same way. Inside inTransactionChainLast nothing is taken here: the case's row
   * lock (`caseRow`) does that work for the one case.
   */
  private async lockChain(trx: Kysely<Database>): Promise<void> {
    if (!this.heldEvents.has(trx)) await lockAuditChain(trx, this.store.dialect);
  }

  /** The case's row, locked for this transaction on PostgreSQL when the chain's lock is not held. */
  private caseRow(trx: Kysely<Database>, caseId: string): Promise<CaseRow | undefined> {
    const q = trx.selectFrom('cases').selectAll().where('id', '=', caseId);
    return (this.heldEvents.has(trx) && this.store.dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirst();
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
    await this.lockChain(trx);
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
    await this.lockChain(trx);
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
    await this.lockChain(trx);
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
