import type { Outcome, OutcomeDetail } from '../agent';
import { CALLBACK_JOB, callbackDedupeKey } from '../cases/callback-job';
import type { CaseService } from '../cases/case-service';
import { createEscalationNotices } from '../cases/escalations/escalation-notices';
import type { Clock } from '../domain/clock';
import type { IdentityProvider } from '../identity/provider';
import type { JobQueue } from '../jobs/queue';
import { caseChangeForOutcome } from './call-outcome';
import type { summarizeFigures } from './call-figures';
import type { CallRecords } from './call-records';
import { createCallsExhaustedNotice } from './calls-exhausted-notice';
import type { CallState } from './host-port';
import { createRescheduleNotice } from './reschedule-notice';
import type { CallHandOver } from './transfer/live-transfer';
import type { VerificationStore } from './verification-store';

export interface CallFinishDeps {
  cases: CaseService;
  identity: IdentityProvider;
  records: CallRecords;
  verification: Pick<VerificationStore, 'invalidateForCase'>;
  queue: JobQueue;
  calendar: { nextOpen(from: Date): Date };
  clock: Clock;
  tokenKey: Buffer;
  settings: {
    publicUrl: string;
    companyName: string;
    timeZone: string;
    callbackRetries: number;
    /** Minutes before an automatic retry may ring (AIZUCHI_CALLBACK_RETRY_DELAY_MIN). */
    callbackRetryDelayMin: number;
    inboundNumbers?: { default: string; ja?: string; en?: string } | null;
  };
}

/** What the session measured, as stored on `call_ended` (call-figures.ts). */
export type CallEndFigures = ReturnType<typeof summarizeFigures>;

/**
 * Outcome recording: ends a call into the store once — the call row, the case's codes made dead,
 * `call_ended` in the history, the case change the outcome calls for (call-outcome.ts) with its
 * next callback job, and the customer's mail for that change (hand-over, retry, calls exhausted),
 * all in one transaction. The contact is read before it, outside (the identity provider may need
 * its own connection). A call already ended is left as it is, so ending twice is harmless.
 */
export function createCallFinish(deps: CallFinishDeps) {
  const { cases, clock, settings, records } = deps;
  const common = { cases, queue: deps.queue, publicUrl: settings.publicUrl, companyName: settings.companyName };
  const rescheduleMail = createRescheduleNotice({ ...common, tokenKey: deps.tokenKey, timeZone: settings.timeZone });
  const exhaustedMail = createCallsExhaustedNotice({ ...common, inboundNumbers: settings.inboundNumbers ?? null });
  const escalationNotices = createEscalationNotices({ ...common, tokenKey: deps.tokenKey, timeZone: settings.timeZone });

  async function contactForCall(callId: string) {
    const call = await records.get(callId);
    const row = call ? await cases.get(call.case_id) : undefined;
    return row?.account_id ? deps.identity.getContact(row.account_id) : null;
  }

  /** Ends a call into the store once: call row, dead codes, case change (with its next callback), history. */
  async function finish(
    callId: string,
    outcome: Outcome,
    detail: OutcomeDetail | null,
    state: CallState | null,
    handOver?: CallHandOver | null,
    figures?: CallEndFigures,
  ): Promise<void> {
    // An abandoned call may be retried, and the retry is mailed: read the contact first, outside
    // the transaction (the identity provider may need its own connection).
    const contact = outcome === 'abandoned' || outcome === 'escalated' ? await contactForCall(callId) : null;
    await cases.inTransaction(async (trx) => {
      const call = await trx.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
      if (!call || !(await records.finish(trx, callId, outcome))) return;
      const invalidated = await deps.verification.invalidateForCase(trx, call.case_id);
      const row = await cases.get(call.case_id, trx);
      if (!row) return;
      await cases.record(trx, row.id, 'call_ended', {
        callId,
        outcome,
        detail,
        codesInvalidated: invalidated,
        ...(state?.escalation ? { escalation: state.escalation } : {}),
        ...(state && state.riskFlags.size > 0 ? { riskFlags: [...state.riskFlags] } : {}),
        ...(figures ? { figures } : {}),
      });
      const change = caseChangeForOutcome({
        outcome,
        detail,
        caseState: row.state,
        callAttempts: row.call_attempts,
        maxRetries: settings.callbackRetries,
        callbackAt: state?.callbackAt ?? null,
      });
      if (!change) return;
      let scheduledAt: string | undefined;
      if (change.scheduleAt) {
        const earliest = new Date(clock.now().getTime() + settings.callbackRetryDelayMin * 60_000);
        const at = change.scheduleAt === 'callback' && state?.callbackAt ? state.callbackAt : deps.calendar.nextOpen(earliest);
        scheduledAt = at.toISOString();
        await deps.queue.enqueue(CALLBACK_JOB, { caseId: row.id }, { runAt: at, dedupeKey: callbackDedupeKey(row.id, at) }, trx);
      }
      await cases.transition(
        trx,
        row.id,
        change.to,
        change.kind,
        { callId, outcome, ...(detail ? { detail } : {}), ...(scheduledAt ? { at: scheduledAt } : {}) },
        { ...(change.outcome ? { outcome: change.outcome } : {}), ...(scheduledAt ? { scheduled_at: scheduledAt } : {}) },
      );
      // Handed to a person (issue 10): the caller heard that someone will be in touch; the mail says
      // from when (the next business hours). Not after "someone else answered": a person reviews first.
      // A live transfer mails only if nobody takes the call (live-transfer.ts); the time is the one the caller heard.
      if (change.to === 'escalated' && outcome === 'escalated' && contact && !handOver?.pending()) {
        const from = handOver?.callbackAt() ?? deps.calendar.nextOpen(clock.now());
        await escalationNotices.handedOver(trx, { caseRow: row, contact }, from, callId);
      }
      // The last automatic call went unanswered: the case closes, and the customer learns how to ask again (issue 8).
      if (change.to === 'failed' && outcome === 'abandoned' && contact) {
        await exhaustedMail(trx, { caseId: row.id, contact, caseLang: row.lang, attempts: row.call_attempts });
      }
      // The automatic retry (declined, not answered, cut off) used to move the time silently (issue 13).
      if (change.scheduleAt === 'retry' && scheduledAt && contact) {
        const at = new Date(scheduledAt);
        await rescheduleMail(trx, {
          caseId: row.id,
          contact,
          caseLang: row.lang,
          callId,
          channel: call.channel,
          at,
          kind: 'retry',
          detail,
        });
      }
    });
  }

  return { finish, escalationNotices };
}
