import { caseHistoryIn } from '../audit/audit-log';
import type { ChainedEvent } from '../audit/chain';
import { isCaseState, isTerminal } from '../domain/cases/case-state';
import type { Clock } from '../domain/clock';
import type { JobQueue, StoreTransaction } from '../jobs/queue';
import { CALLBACK_JOB, type Dialer, callbackDedupeKey, placeCallback } from './callback-job';
import type { CaseRow, CaseService } from './case-service';
import { AizuchiError } from '../domain/errors';
import type { IdentityContact } from '../identity/provider';
import type { EscalationNotices } from './escalations/escalation-notices';
import { formatMailTime } from '../mail/templates/format-time';

/** The event that parks a case for a person's review before any call (recovery-request.ts). */
export const REVIEW_EVENT = 'needs_review';
export const MAX_CANCEL_REASON_CHARS = 200;

export type OperatorActionFailure = 'not_found' | 'wrong_state' | 'not_reviewable' | 'outside_hours' | 'no_account' | 'invalid_input';

/**
 * What a front end needs to say the refusal in the operator's language (the message is English,
 * for the CLI and logs): the case's state for `wrong_state`, the next opening for `outside_hours`,
 * the limit for `invalid_input`.
 */
export interface OperatorActionDetails {
  state?: string;
  nextOpen?: Date;
  maxChars?: number;
}

export class OperatorActionError extends AizuchiError {
  /** Why the action was refused (was `reason`). */
  declare readonly code: OperatorActionFailure;
  constructor(
    code: OperatorActionFailure,
    message: string,
    readonly details: OperatorActionDetails = {},
  ) {
    super(message, { code });
  }
}

export interface OperatorActionDeps {
  cases: CaseService;
  /** `timeZone`: the zone an error names a time in (the business zone, never UTC). */
  calendar: { isOpen(at: Date): boolean; nextOpen(from: Date): Date; timeZone?: string };
  queue: JobQueue;
  /** Drops a queued callback the action replaces (JobSystem.cancelByDedupeKey). */
  cancelJob(dedupeKey: string, trx: StoreTransaction): Promise<boolean>;
  /** The dialer due callbacks use, so "call now" rings the same way. */
  dialer: Dialer;
  clock: Clock;
  /** Minimum time between approval and the call (AIZUCHI_CALLBACK_LEAD_SEC). */
  callLeadMs: number;
  /**
   * Mails the approved call's time (issue 10: an approval used to send none). With it, `contactOf`
   * reads the customer's address before the transaction (the identity provider may be remote).
   */
  approvedMail?: {
    contactOf(accountId: string): Promise<IdentityContact | null>;
    notices: Pick<EscalationNotices, 'approved'>;
  };
}

export interface AvailableActions {
  approve: boolean;
  cancel: boolean;
  callNow: boolean;
}

/**
 * Who acts: a signed-in operator from the console (their account id goes into the history, never
 * their email), or the `aizuchi` command line, which only someone with shell access to the server
 * can run and which has no account.
 */
export type Operator = { readonly accountId: string } | { readonly commandLine: true };

/** The actor of actions the `aizuchi` CLI runs. */
export const COMMAND_LINE: Operator = { commandLine: true };

/** The history fields naming the actor: `operatorId` for a console operator, `operator: 'cli'` otherwise. */
function actorFields(operator: Operator): { operatorId: string } | { operator: 'cli' } {
  return 'accountId' in operator ? { operatorId: operator.accountId } : { operator: 'cli' };
}

/** Where the actor works, and how that front end says "override the business hours". */
function frontEnd(operator: Operator): { via: 'console' | 'cli'; overrideHint: string } {
  return 'accountId' in operator
    ? { via: 'console', overrideHint: 'tick "outside hours" to call anyway' }
    : { via: 'cli', overrideHint: 'pass --outside-hours to call anyway' };
}

/**
 * Why the case is escalated, from the event that last moved it there. Only a review requested at
 * intake (an unknown callback number, low assurance) may be approved; a call that ended escalated
 * (wrong person, a request for a human) needs a person, not another automated call.
 */
export function escalationReview(history: ReadonlyArray<Pick<ChainedEvent, 'kind' | 'data'>>): { reason: string } | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const e = history[i]!;
    const data = parseData(e.data);
    if (data.to !== 'escalated') continue;
    if (e.kind !== REVIEW_EVENT) return null;
    return { reason: typeof data.reason === 'string' ? data.reason : 'review' };
  }
  return null;
}

function parseData(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A state the machine does not know counts as closed: nothing may act on it. */
const isClosed = (state: string): boolean => !isCaseState(state) || isTerminal(state);

export function availableActions(
  row: Pick<CaseRow, 'state'>,
  history: ReadonlyArray<Pick<ChainedEvent, 'kind' | 'data'>>,
): AvailableActions {
  return {
    approve: row.state === 'escalated' && escalationReview(history) !== null,
    cancel: !isClosed(row.state),
    callNow: row.state === 'scheduled',
  };
}

/**
 * What an operator may do to a case from the console. Each action re-reads the case inside the
 * write transaction that changes it, so two operators (or an operator and the callback job) acting
 * at once cannot both win; the state machine in CaseService.transition checks a second time.
 */
export function createOperatorActions(deps: OperatorActionDeps) {
  const { cases } = deps;

  async function load(trx: StoreTransaction, caseId: string): Promise<CaseRow> {
    const row = await trx.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
    if (!row) throw new OperatorActionError('not_found', `no case with id ${caseId}`);
    return row;
  }

  /** The queued callback for the case's current slot, which a new slot or a call now replaces. */
  async function dropQueuedCallback(trx: StoreTransaction, row: CaseRow): Promise<void> {
    if (row.scheduled_at) await deps.cancelJob(callbackDedupeKey(row.id, new Date(row.scheduled_at)), trx);
  }

  /**
   * Puts a case that waits for review back into the callback flow at the next open time after the
   * lead. It only allows the call: the agent's policy still needs the emailed code on it.
   */
  async function approveCallback(caseId: string, operator: Operator): Promise<{ scheduledAt: Date }> {
    const before = deps.approvedMail ? await cases.get(caseId) : undefined;
    const contact = before?.account_id ? await deps.approvedMail!.contactOf(before.account_id) : null;
    return cases.inTransaction(async (trx) => {
      const row = await load(trx, caseId);
      if (row.state !== 'escalated') {
        throw new OperatorActionError(
          'wrong_state',
          `the case is ${row.state}; only an escalated case waiting for review can be approved`,
          { state: row.state },
        );
      }
      const review = escalationReview(await caseHistoryIn(trx, caseId));
      if (!review)
        throw new OperatorActionError(
          'not_reviewable',
          'this case was escalated during a call, not for review; it cannot be approved for an automated callback',
        );
      const at = deps.calendar.nextOpen(new Date(deps.clock.now().getTime() + deps.callLeadMs));
      await cases.transition(
        trx,
        caseId,
        'scheduled',
        'operator_approved',
        { ...actorFields(operator), review: review.reason, at: at.toISOString() },
        { scheduled_at: at.toISOString() },
      );
      await deps.queue.enqueue(CALLBACK_JOB, { caseId }, { runAt: at, dedupeKey: callbackDedupeKey(caseId, at) }, trx);
      if (contact) await deps.approvedMail!.notices.approved(trx, { caseRow: row, contact }, at);
      return { scheduledAt: at };
    });
  }

  async function cancel(caseId: string, operator: Operator, reason?: string): Promise<void> {
    const why = (reason ?? '').trim();
    if ([...why].length > MAX_CANCEL_REASON_CHARS) {
      throw new OperatorActionError('invalid_input', `the reason must be at most ${MAX_CANCEL_REASON_CHARS} characters`, {
        maxChars: MAX_CANCEL_REASON_CHARS,
      });
    }
    await cases.inTransaction(async (trx) => {
      const row = await load(trx, caseId);
      if (isClosed(row.state)) throw new OperatorActionError('wrong_state', `the case is already ${row.state}`, { state: row.state });
      await dropQueuedCallback(trx, row);
      await cases.transition(
        trx,
        caseId,
        'cancelled',
        'cancelled_by_operator',
        { ...actorFields(operator), ...(why ? { reason: why } : {}) },
        { outcome: 'cancelled' },
      );
    });
  }

  /**
   * Rings a scheduled case now, as a due callback would, through the dialer. The one "call now"
   * rule for the console and the CLI: only a scheduled case with an account to verify; outside
   * business hours only with the actor's explicit override, which is recorded first.
   *
   * `takeOverRinging`: a case already `calling` (its link rang but nobody connected — a connected
   * call moves the case to `verifying`) may be called again on this dialer. Its unanswered links
   * are ended first, so the old ring can no longer connect, and the takeover is recorded. The CLI
   * asks for it: with AIZUCHI_CALLBACK_LEAD_SEC=0 a new case is ringing the softphone before the
   * terminal can call it (issue 13). The console does not: a second press must not ring twice.
   */
  async function callNow(
    caseId: string,
    operator: Operator,
    opts: { outsideHours: boolean; takeOverRinging?: boolean },
  ): Promise<{ attempt: number }> {
    return cases.inTransaction(async (trx) => {
      let row = await load(trx, caseId);
      const ringing = row.state === 'calling' && opts.takeOverRinging === true;
      if (row.state !== 'scheduled' && !ringing) {
        throw new OperatorActionError('wrong_state', `the case is ${row.state}; only a scheduled case can be called now`, {
          state: row.state,
        });
      }
      // The call could never verify anyone: the agent checks the code against the account.
      if (!row.account_id) throw new OperatorActionError('no_account', 'the case has no account to verify; it cannot be called');
      const now = deps.clock.now();
      const open = deps.calendar.isOpen(now);
      const { via, overrideHint } = frontEnd(operator);
      if (!open && !opts.outsideHours) {
        const next = deps.calendar.nextOpen(now);
        throw new OperatorActionError(
          'outside_hours',
          `outside business hours (next opening ${formatMailTime(next, deps.calendar.timeZone ?? 'UTC', 'en')}); ${overrideHint}`,
          { nextOpen: next },
        );
      }
      if (!open) await cases.record(trx, caseId, 'outside_hours_override', { ...actorFields(operator), via });
      if (ringing) row = await takeOverRinging(trx, row, operator, now);
      await dropQueuedCallback(trx, row);
      const attempt = await placeCallback(deps, trx, row, { via: 'call_now', ...actorFields(operator), outsideHours: !open });
      return { attempt };
    });
  }

  /**
   * Ends the case's unanswered links (`abandoned`: nobody picked up) and puts the case back to
   * `scheduled` for now, recording which calls were taken over and by whom.
   */
  async function takeOverRinging(trx: StoreTransaction, row: CaseRow, operator: Operator, now: Date): Promise<CaseRow> {
    const pending = await trx.selectFrom('calls').select('id').where('case_id', '=', row.id).where('state', '=', 'pending').execute();
    if (pending.length > 0) {
      await trx
        .updateTable('calls')
        .set({ state: 'ended', ended_at: now.toISOString(), outcome: 'abandoned' })
        .where('case_id', '=', row.id)
        .where('state', '=', 'pending')
        .execute();
    }
    return cases.transition(
      trx,
      row.id,
      'scheduled',
      'ringing_call_taken_over',
      { ...actorFields(operator), calls: pending.map((c) => c.id) },
      { scheduled_at: now.toISOString() },
    );
  }

  return { approveCallback, cancel, callNow };
}

export type OperatorActions = ReturnType<typeof createOperatorActions>;
