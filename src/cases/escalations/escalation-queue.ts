import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../domain/clock';
import { AizuchiError } from '../../domain/errors';
import type { Store } from '../../store/connect';
import type { Database } from '../../store/schema';
import type { CaseRow, CaseService } from '../case-service';
import { type CallSummary, summarizeCall } from './call-summary';
import { type EscalationRow, type HolderRefusal, heldEscalation } from './escalation-rows';

const HOLDER_REFUSALS: Record<HolderRefusal, (id: string) => string> = {
  not_found: (id) => `no escalation with id ${id}`,
  closed: () => 'this escalation is already closed',
  not_holder: () => 'only the operator holding it can release it',
};

export type EscalationFailure = 'not_found' | 'closed' | 'claimed_by_other' | 'not_holder' | 'invalid_input';

export class EscalationError extends AizuchiError {
  declare readonly code: EscalationFailure;
  constructor(
    code: EscalationFailure,
    message: string,
    /** Who holds it, when `claimed_by_other`. */
    readonly holder?: string,
    /** The next opening, when a callback time falls outside business hours (for the operator's language). */
    readonly nextOpen?: Date,
  ) {
    super(message, { code });
  }
}

/** A queued escalation with what the queue shows of its case. */
export interface QueueEntry {
  escalation: EscalationRow;
  caseRow: CaseRow;
  /** opened_at + AIZUCHI_ESCALATION_SLA_MIN. */
  dueAt: Date;
  /** Milliseconds left before the SLA is missed; negative when overdue. */
  msLeft: number;
}

export interface EscalationNote {
  id: string;
  operatorId: string;
  text: string;
  at: string;
}

export const MAX_NOTE_CHARS = 1000;
/**
 * Six or more digits in a row look like a verification code (or a card or phone number): a note
 * must never keep one (SECURITY.md: no codes in stored text), so the form refuses it and asks again.
 * Read after NFKC folding (full-width digits from an IME are digits) with up to three characters
 * that are neither letters nor digits between them ("4, 8, 2", "48.29.13", "482_913"); `:` and `/`
 * end a run so times and dates ("12/03 15:00") stay writable.
 */
const CODE_LIKE = /\p{Nd}(?:[^\p{L}\p{N}:/]{0,3}\p{Nd}){5,}/u;
/** A full email address (after NFKC, so `＠` and `．` count); maskEmail's `t***@example.com` is allowed. */
const FULL_EMAIL = /([^\s@]+)@[^\s@]+\.[^\s@]+/gu;
const MASKED_LOCAL = /^[^*]?\*{3}$/u;

/** Why a note may not be stored, or null: a code-like digit run or a customer's full address. */
export function noteRefusal(body: string): string | null {
  const folded = body.normalize('NFKC');
  if (CODE_LIKE.test(folded)) return 'a note must not contain a run of six or more digits (it could be a code); nothing was saved';
  for (const m of folded.matchAll(FULL_EMAIL)) {
    // The address part of what precedes `@` (a note may run Japanese text straight into it).
    const local = /[A-Za-z0-9._%+*-]*$/u.exec(m[1] ?? '')?.[0] ?? '';
    if (!MASKED_LOCAL.test(local)) return 'a note must not contain a full email address (write the masked one); nothing was saved';
  }
  return null;
}

export interface EscalationQueueDeps {
  store: Store;
  cases: CaseService;
  clock: Clock;
  /** AIZUCHI_ESCALATION_SLA_MIN in milliseconds: how long an escalation may wait for a person. */
  slaMs: number;
}

/**
 * The escalation queue (issue 10): open hand-overs, oldest deadline first, with one owner each.
 * Claiming is a single conditional UPDATE (`claimed_by IS NULL`), so of two operators pressing
 * Claim at once exactly one row is changed and one wins, on SQLite and PostgreSQL alike; each
 * change is a case event with the operator's id, in the same transaction.
 */
export function createEscalationQueue(deps: EscalationQueueDeps) {
  const { store, cases, clock } = deps;

  const entry = (escalation: EscalationRow, caseRow: CaseRow, now: Date): QueueEntry => {
    const dueAt = new Date(Date.parse(escalation.opened_at) + deps.slaMs);
    return { escalation, caseRow, dueAt, msLeft: dueAt.getTime() - now.getTime() };
  };

  /** Open escalations, the most urgent (earliest deadline) first; at most `limit` (default 500). */
  async function listOpen(limit = 500): Promise<QueueEntry[]> {
    const rows = await store.db
      .selectFrom('escalations')
      .selectAll()
      .where('closed_at', 'is', null)
      .orderBy('opened_at', 'asc')
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
    const now = clock.now();
    const out: QueueEntry[] = [];
    for (const e of rows) {
      const c = await cases.get(e.case_id);
      if (c) out.push(entry(e, c, now));
    }
    return out;
  }

  async function load(trx: Kysely<Database>, id: string): Promise<EscalationRow> {
    const row = await trx.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new EscalationError('not_found', `no escalation with id ${id}`);
    return row;
  }

  /** The escalation by id with its case, the agent's summary and the notes. */
  async function detail(id: string): Promise<(QueueEntry & { summary: CallSummary; notes: EscalationNote[] }) | null> {
    const e = await store.db.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!e) return null;
    const c = await cases.get(e.case_id);
    if (!c) return null;
    const history = await cases.history(c.id);
    return {
      ...entry(e, c, clock.now()),
      summary: summarizeCall(history, { recordingConsent: c.recording_consent === 1 }),
      notes: await notes(e.id),
    };
  }

  /** The escalation row by id, or undefined. */
  function get(id: string): Promise<EscalationRow | undefined> {
    return store.db.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The case's open escalation, else its latest one; null when it never had one. */
  async function forCase(caseId: string): Promise<EscalationRow | null> {
    const rows = await store.db
      .selectFrom('escalations')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('opened_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.find((r) => r.closed_at === null) ?? rows[0] ?? null;
  }

  /**
   * Makes `operatorId` the one owner. Claiming one's own again is a no-op; someone else's fails
   * with `claimed_by_other` naming the holder; a closed one with `closed`.
   */
  async function claim(id: string, operatorId: string): Promise<void> {
    await cases.inTransaction(async (trx) => {
      const now = clock.now().toISOString();
      const res = await trx
        .updateTable('escalations')
        .set({ claimed_by: operatorId, claimed_at: now })
        .where('id', '=', id)
        .where('claimed_by', 'is', null)
        .where('closed_at', 'is', null)
        .executeTakeFirst();
      const row = await load(trx, id);
      if (Number(res.numUpdatedRows) === 0) {
        if (row.closed_at) throw new EscalationError('closed', 'this escalation is already closed');
        if (row.claimed_by === operatorId) return;
        throw new EscalationError('claimed_by_other', `another operator (${row.claimed_by}) holds this escalation`, row.claimed_by ?? '');
      }
      await cases.record(trx, row.case_id, 'escalation_claimed', { escalationId: id, operatorId });
    });
  }

  /** Gives the escalation back to the queue; only its holder may. */
  async function release(id: string, operatorId: string): Promise<void> {
    await cases.inTransaction(async (trx) => {
      const held = await heldEscalation(trx, id, operatorId);
      if (!held.ok) throw new EscalationError(held.refusal, HOLDER_REFUSALS[held.refusal](id));
      const row = held.row;
      await trx.updateTable('escalations').set({ claimed_by: null, claimed_at: null }).where('id', '=', id).execute();
      await cases.record(trx, row.case_id, 'escalation_released', { escalationId: id, operatorId });
    });
  }

  /**
   * Stores a note (1–MAX_NOTE_CHARS characters, no code-like digit runs or full addresses) and records that it was
   * written — its length, not its text — in the case's history.
   */
  async function addNote(id: string, operatorId: string, text: string): Promise<void> {
    const body = text.trim();
    const chars = [...body].length;
    if (chars === 0 || chars > MAX_NOTE_CHARS) {
      throw new EscalationError('invalid_input', `a note must be 1 to ${MAX_NOTE_CHARS} characters`);
    }
    const refusal = noteRefusal(body);
    if (refusal) throw new EscalationError('invalid_input', refusal);
    await cases.inTransaction(async (trx) => {
      const row = await load(trx, id);
      const noteId = crypto.randomUUID();
      await trx
        .insertInto('escalation_notes')
        .values({ id: noteId, escalation_id: id, case_id: row.case_id, operator_id: operatorId, text: body, at: clock.now().toISOString() })
        .execute();
      await cases.record(trx, row.case_id, 'escalation_note_added', { escalationId: id, noteId, operatorId, chars });
    });
  }

  async function notes(escalationId: string): Promise<EscalationNote[]> {
    const rows = await store.db
      .selectFrom('escalation_notes')
      .selectAll()
      .where('escalation_id', '=', escalationId)
      .orderBy('at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map((r) => ({ id: r.id, operatorId: r.operator_id, text: r.text, at: r.at }));
  }

  return { listOpen, detail, get, forCase, claim, release, addNote, notes, slaMs: deps.slaMs, now: () => clock.now() };
}

export type EscalationQueue = ReturnType<typeof createEscalationQueue>;
