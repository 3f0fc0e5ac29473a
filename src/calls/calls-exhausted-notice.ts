import type { Kysely } from 'kysely';
import type { CaseService } from '../cases/case-service';
import { maskEmail } from '../domain/phone';
import { isLang } from '../domain/lang';
import type { IdentityContact } from '../identity/provider';
import type { JobQueue } from '../jobs/queue';
import { enqueueMail } from '../mail/mail-job';
import { callsExhausted } from '../mail/templates';
import type { Database } from '../store/schema';

export interface CallsExhaustedNoticeDeps {
  cases: Pick<CaseService, 'record'>;
  queue: JobQueue;
  publicUrl: string;
  companyName: string;
  /** The call-in number per language (AIZUCHI_INBOUND_NUMBER*); null: the mail offers no number to call. */
  inboundNumbers?: { default: string; ja?: string; en?: string } | null;
}

/**
 * Mails the customer when the last automatic call went unanswered (AIZUCHI_CALLBACK_RETRIES used up,
 * the case closes `failed`): we could not reach you, nothing changed, here is how to ask again
 * (issue 8). Runs inside the call's finishing transaction, so the mail is queued exactly when the
 * case closes; keyed by the case, so it is sent once.
 */
export function createCallsExhaustedNotice(deps: CallsExhaustedNoticeDeps) {
  return async function queueCallsExhaustedMail(
    trx: Kysely<Database>,
    call: { caseId: string; contact: IdentityContact; caseLang: string; attempts: number },
  ): Promise<void> {
    const { contact } = call;
    const lang = isLang(call.caseLang) ? call.caseLang : contact.lang;
    // Call-in needs both a number for the language and the case's reference (migration 010).
    const number = deps.inboundNumbers ? (deps.inboundNumbers[lang] ?? deps.inboundNumbers.default) : '';
    const reference = number
      ? (await trx.selectFrom('cases').select('reference').where('id', '=', call.caseId).executeTakeFirst())?.reference
      : null;
    const mail = callsExhausted({
      callIn: number && reference ? { number, reference } : undefined,
      lang,
      companyName: deps.companyName,
      name: contact.name,
      attempts: call.attempts,
      requestUrl: new URL(`/recover?lang=${lang}`, deps.publicUrl).toString(),
    });
    await enqueueMail(deps.queue, { to: contact.email, ...mail, key: `calls-exhausted:${call.caseId}`, template: 'calls-exhausted' }, trx);
    await deps.cases.record(trx, call.caseId, 'notification_queued', { template: 'calls-exhausted', to: maskEmail(contact.email) });
  };
}
