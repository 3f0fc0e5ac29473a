import type { Clock } from '../../domain/clock';
import { isCaseState, isTerminal } from '../../domain/cases/case-state';
import type { Lang } from '../../domain/lang';
import type { IdentityContact } from '../../identity/provider';
import type { CaseRow, CaseService } from '../case-service';
import { EscalationError, type EscalationQueue } from './escalation-queue';
import { closeEscalationIn } from './escalation-rows';
import type { EscalationNotices } from './escalation-notices';
import { formatMailTime } from '../../mail/templates/format-time';

/** Why an operator closed an escalation; the customer is told only that staff reviewed and closed it. */
export const CLOSE_REASONS = ['handled_by_staff', 'customer_withdrew', 'could_not_verify', 'duplicate', 'other'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];
export const isCloseReason = (v: unknown): v is CloseReason => typeof v === 'string' && (CLOSE_REASONS as readonly string[]).includes(v);

const CLOSE_WORDS: Record<Lang, Record<CloseReason, string>> = {
  ja: {
    handled_by_staff: '担当者が対応済み',
    customer_withdrew: 'お客様が取り下げ',
    could_not_verify: 'ご本人と確認できず',
    duplicate: '重複したご依頼',
    other: 'その他',
  },
  en: {
    handled_by_staff: 'Handled by staff',
    customer_withdrew: 'Customer withdrew',
    could_not_verify: 'Could not verify the customer',
    duplicate: 'Duplicate request',
    other: 'Other',
  },
};
export const closeReasonWords = (r: CloseReason, lang: Lang): string => CLOSE_WORDS[lang][r];

export interface EscalationActionDeps {
  cases: CaseService;
  /** The business calendar (AIZUCHI_BUSINESS_HOURS, closed dates, Japanese holidays). */
  /** `timeZone`: the zone an error names a time in (the business zone, never UTC). */
  calendar: { isOpen(at: Date): boolean; nextOpen(from: Date): Date; timeZone?: string };
  clock: Clock;
  /** Reads the customer's contact before a transaction opens (the provider may be remote). */
  contactOf(accountId: string): Promise<IdentityContact | null>;
  notices: Pick<EscalationNotices, 'humanCallback' | 'closed'>;
  queue: Pick<EscalationQueue, 'get'>;
}

/**
 * What the operator holding an escalation does with it (issue 10): book a person's call back inside
 * business hours, or close it with a reason. Only the holder acts (claim first), so two operators
 * never promise the customer two different things; each action is a case event with the operator's
 * id and mails the customer, in the same transaction.
 */
export function createEscalationActions(deps: EscalationActionDeps) {
  const { cases } = deps;

  async function held(trx: Parameters<Parameters<CaseService['inTransaction']>[0]>[0], id: string, operatorId: string) {
    const e = await trx.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!e) throw new EscalationError('not_found', `no escalation with id ${id}`);
    if (e.closed_at) throw new EscalationError('closed', 'this escalation is already closed');
    if (e.claimed_by !== operatorId) throw new EscalationError('not_holder', 'claim the escalation first; only its holder can act on it');
    const row = await cases.get(e.case_id, trx);
    if (!row) throw new EscalationError('not_found', `no case for escalation ${id}`);
    return { e, row };
  }

  async function contactFor(id: string): Promise<{ row: CaseRow; contact: IdentityContact | null }> {
    const e = await deps.queue.get(id);
    if (!e) throw new EscalationError('not_found', `no escalation with id ${id}`);
    const row = await cases.require(e.case_id);
    return { row, contact: row.account_id ? await deps.contactOf(row.account_id) : null };
  }

  /**
   * Books a call by a person at `at`, which must be in the future and inside business hours (the
   * JP calendar: weekly hours, closed dates, holidays). The escalation stays open, held, until the
   * operator closes it or completes a recovery. Errors: invalid_input (past, closed hours), not_holder.
   */
  async function scheduleHumanCallback(id: string, operatorId: string, at: Date): Promise<void> {
    if (Number.isNaN(at.getTime())) throw new EscalationError('invalid_input', 'the callback time is not a valid date and time');
    const now = deps.clock.now();
    if (at.getTime() <= now.getTime()) throw new EscalationError('invalid_input', 'the callback time must be in the future');
    if (!deps.calendar.isOpen(at)) {
      const next = deps.calendar.nextOpen(at);
      throw new EscalationError(
        'invalid_input',
        `that time is outside business hours; the next opening is ${formatMailTime(next, deps.calendar.timeZone ?? 'UTC', 'en')}`,
        undefined,
        next,
      );
    }
    const { contact } = await contactFor(id);
    await cases.inTransaction(async (trx) => {
      const { row } = await held(trx, id, operatorId);
      await cases.record(trx, row.id, 'human_callback_scheduled', { escalationId: id, operatorId, at: at.toISOString() });
      if (contact) await deps.notices.humanCallback(trx, { caseRow: row, contact }, at);
    });
  }

  /**
   * Closes the escalation with a reason. A case still open is cancelled with outcome
   * `closed: <reason>` (which also closes the escalation); a case already closed (calls exhausted)
   * only leaves the queue. The customer is mailed that staff reviewed and closed the request.
   */
  async function close(id: string, operatorId: string, reason: CloseReason): Promise<void> {
    if (!isCloseReason(reason)) throw new EscalationError('invalid_input', 'choose a reason for closing');
    const { contact } = await contactFor(id);
    await cases.inTransaction(async (trx) => {
      const { row } = await held(trx, id, operatorId);
      const data = { escalationId: id, operatorId, reason };
      if (isCaseState(row.state) && !isTerminal(row.state)) {
        await cases.transition(trx, row.id, 'cancelled', 'escalation_closed', data, { outcome: `closed: ${reason}` });
      } else {
        await closeEscalationIn(trx, row.id, 'escalation_closed', deps.clock.now());
        await cases.record(trx, row.id, 'escalation_closed', data);
      }
      if (contact) await deps.notices.closed(trx, { caseRow: row, contact }, id);
    });
  }

  return { scheduleHumanCallback, close };
}

export type EscalationActions = ReturnType<typeof createEscalationActions>;
