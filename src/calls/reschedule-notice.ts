import type { Kysely } from 'kysely';
import type { OutcomeDetail } from '../agent';
import type { CaseService } from '../cases/case-service';
import { isLang } from '../domain/lang';
import type { IdentityContact } from '../identity/provider';
import type { JobQueue } from '../jobs/queue';
import { enqueueMail } from '../mail/mail-job';
import { callRescheduled } from '../mail/templates';
import { maskEmail } from '../domain/phone';
import { hmacHex, newToken } from '../security/keys';
import type { Database } from '../store/schema';

export interface RescheduleNoticeDeps {
  cases: Pick<CaseService, 'replaceCancelToken' | 'record'>;
  queue: JobQueue;
  tokenKey: Buffer;
  publicUrl: string;
  companyName: string;
  timeZone: string;
}

export interface RescheduledCall {
  caseId: string;
  /** Read before the transaction: the identity provider may use its own connection (SQLite has one). */
  contact: IdentityContact;
  /** The case's language (cases.lang); the contact's language when it is not one we speak. */
  caseLang: string;
  callId: string;
  /** The call's channel (calls.channel): the softphone rings the browser, everything else a phone. */
  channel: string;
  /** The new call time. */
  at: Date;
  /** Why: the caller asked for a time (callback), or the call was declined / not answered / cut off (retry). */
  kind: 'callback' | 'retry';
  detail: OutcomeDetail | null;
}

/**
 * Mails the customer the new call time whenever a call's end schedules another one (issue 13: the
 * automatic +30 min retry after a declined or unanswered call used to be silent). The mail carries a
 * fresh "this wasn't me" link, so only the newest mailed link cancels (as the reset mail does).
 * Runs inside the call's finishing transaction, so the mail is queued exactly when the time moves.
 */
export function createRescheduleNotice(deps: RescheduleNoticeDeps) {
  return async function queueRescheduleMail(trx: Kysely<Database>, call: RescheduledCall): Promise<void> {
    const { contact } = call;
    const lang = isLang(call.caseLang) ? call.caseLang : contact.lang;
    const token = newToken();
    await deps.cases.replaceCancelToken(trx, call.caseId, hmacHex(deps.tokenKey, `cancel:${token}`));
    const cancelUrl = new URL(`/recover/cancel?token=${encodeURIComponent(token)}&lang=${lang}`, deps.publicUrl).toString();
    const reason = call.kind === 'callback' ? 'requested' : call.detail === 'declined' ? 'declined' : 'no_answer';
    const mail = callRescheduled({
      lang,
      companyName: deps.companyName,
      name: contact.name,
      callAt: call.at,
      timeZone: deps.timeZone,
      channel: call.channel === 'softphone' ? 'browser' : 'phone',
      cancelUrl,
      reason,
    });
    await enqueueMail(
      deps.queue,
      { to: contact.email, ...mail, key: `call-rescheduled:${call.callId}`, template: 'call-rescheduled' },
      trx,
    );
    await deps.cases.record(trx, call.caseId, 'notification_queued', { template: 'call-rescheduled', to: maskEmail(contact.email) });
  };
}
