import type { Kysely } from 'kysely';
import { type Lang, isLang } from '../../domain/lang';
import { maskEmail } from '../../domain/phone';
import type { IdentityContact } from '../../identity/provider';
import type { JobQueue } from '../../jobs/queue';
import { enqueueMail } from '../../mail/mail-job';
import { callScheduled, handedOver, humanCallbackScheduled, requestClosed } from '../../mail/templates';
import { hmacHex, newToken } from '../../security/keys';
import type { Database } from '../../store/schema';
import type { CaseRow, CaseService } from '../case-service';

export interface EscalationNoticeDeps {
  cases: Pick<CaseService, 'replaceCancelToken' | 'record'>;
  queue: JobQueue;
  /** The key cancel tokens are HMACed with (keys.tokenHmac), as for every mailed "this wasn't me" link. */
  tokenKey: Buffer;
  publicUrl: string;
  companyName: string;
  timeZone: string;
}

/** What every notice needs: the case (its id and language) and the contact read before the transaction. */
export interface NoticeTarget {
  caseRow: Pick<CaseRow, 'id' | 'lang'>;
  contact: IdentityContact;
}

/**
 * The customer mails of an escalation's life (issue 10): the AI callback an operator approved, the
 * person who will call, the request closed, and "a person will contact you" after the agent handed
 * the call over. Each is queued inside the transaction that made the change, so a mail goes out
 * exactly when the change commits; each is a `notification_queued` event with the masked address.
 * The mail's language is the case's (the one the customer asked in), else the contact's.
 */
export function createEscalationNotices(deps: EscalationNoticeDeps) {
  const langOf = (t: NoticeTarget): Lang => (isLang(t.caseRow.lang) ? t.caseRow.lang : t.contact.lang);

  async function queue(
    trx: Kysely<Database>,
    t: NoticeTarget,
    template: string,
    key: string,
    mail: { subject: string; text: string; html?: string },
  ) {
    await enqueueMail(deps.queue, { to: t.contact.email, ...mail, key, template }, trx);
    await deps.cases.record(trx, t.caseRow.id, 'notification_queued', { template, to: maskEmail(t.contact.email) });
  }

  return {
    /** The approved automated callback's time, with a fresh "this wasn't me" link (only the newest cancels). */
    async approved(trx: Kysely<Database>, t: NoticeTarget, at: Date): Promise<void> {
      const lang = langOf(t);
      const token = newToken();
      await deps.cases.replaceCancelToken(trx, t.caseRow.id, hmacHex(deps.tokenKey, `cancel:${token}`));
      const cancelUrl = new URL(`/recover/cancel?token=${encodeURIComponent(token)}&lang=${lang}`, deps.publicUrl).toString();
      const mail = callScheduled({
        lang,
        companyName: deps.companyName,
        name: t.contact.name,
        callAt: at,
        timeZone: deps.timeZone,
        channel: 'phone',
        cancelUrl,
      });
      await queue(trx, t, 'call-scheduled', `call-scheduled:${t.caseRow.id}:${at.toISOString()}`, mail);
    },

    async humanCallback(trx: Kysely<Database>, t: NoticeTarget, at: Date): Promise<void> {
      const mail = humanCallbackScheduled({
        lang: langOf(t),
        companyName: deps.companyName,
        name: t.contact.name,
        callAt: at,
        timeZone: deps.timeZone,
      });
      await queue(trx, t, 'human-callback', `human-callback:${t.caseRow.id}:${at.toISOString()}`, mail);
    },

    async closed(trx: Kysely<Database>, t: NoticeTarget, escalationId: string): Promise<void> {
      const lang = langOf(t);
      const requestUrl = new URL(`/recover?lang=${lang}`, deps.publicUrl).toString();
      const mail = requestClosed({ lang, companyName: deps.companyName, name: t.contact.name, requestUrl });
      await queue(trx, t, 'request-closed', `request-closed:${escalationId}`, mail);
    },

    async handedOver(trx: Kysely<Database>, t: NoticeTarget, from: Date, callId: string): Promise<void> {
      const mail = handedOver({ lang: langOf(t), companyName: deps.companyName, name: t.contact.name, from, timeZone: deps.timeZone });
      await queue(trx, t, 'handed-over', `handed-over:${callId}`, mail);
    },
  };
}

export type EscalationNotices = ReturnType<typeof createEscalationNotices>;
