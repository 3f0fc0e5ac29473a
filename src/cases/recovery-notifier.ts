import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { JobQueue } from '../jobs/queue';
import { enqueueMail } from '../mail/mail-job';
import { recoveryHammered, recoveryNoAccount, recoveryRequested } from '../mail/templates';
import type { Database } from '../store/schema';
import type { RecoveryNotifier } from './recovery-request';

export interface RecoveryNotifierDeps {
  queue: JobQueue;
  publicUrl: string;
  timeZone: string;
  companyName: string;
  clock: { now(): Date };
  /**
   * Issues the "take the call in your browser" link for the case inside the request's transaction
   * and returns its absolute URL; null when there is no softphone. Passed in by the composition root
   * so cases does not import the channel that mints it.
   */
  linkFor: ((trx: Kysely<Database>, caseId: string, expiresAt: Date) => Promise<string>) | null;
}

/** The browser link outlives the first call slot: retries and a person's review can take days. */
const SOFTPHONE_LINK_TTL_MS = 14 * 86_400_000;

/**
 * The metrics label of both answers to a recovery request: a label per template would count
 * existing and unknown accounts apart (`mail_sent{template=…}` was 5 of 5 classified).
 */
const RECOVERY_MAIL_LABEL = 'recovery-requested';
/** Likewise for the "requests are being refused" warning and its no-account counterpart. */
const HAMMERED_MAIL_LABEL = 'recovery-hammered';

/** Mails the account holder that a recovery was requested, with the "this wasn't me" link, or that requests are being refused; or the address given that no account uses it. */
export function createRecoveryNotifier(deps: RecoveryNotifierDeps): RecoveryNotifier {
  return {
    async requestReceived(trx: Kysely<Database>, { caseId, reference, account, lang, callAt, cancelToken }) {
      const cancelUrl = new URL(`/recover/cancel?token=${encodeURIComponent(cancelToken)}&lang=${lang}`, deps.publicUrl).toString();
      let joinUrl: string | undefined;
      if (deps.linkFor) {
        joinUrl = await deps.linkFor(trx, caseId, new Date((callAt ?? deps.clock.now()).getTime() + SOFTPHONE_LINK_TTL_MS));
      }
      // A case waiting for a person's review has no call time yet: the mail says a person sets it
      // (issue 10), and the approval or the human callback mails the time.
      const mail = recoveryRequested({
        joinUrl,
        reference: reference ?? undefined,
        lang,
        companyName: deps.companyName,
        name: account.name,
        callAt,
        timeZone: deps.timeZone,
        cancelUrl,
        channel: joinUrl ? 'browser' : 'phone',
        requestedAt: deps.clock.now(),
      });
      await enqueueMail(
        deps.queue,
        { to: account.email, ...mail, key: `recovery-requested:${caseId}`, template: RECOVERY_MAIL_LABEL },
        trx,
      );
    },
    async noAccount(trx: Kysely<Database>, { caseId, email, lang }) {
      const mail = recoveryNoAccount({ lang, companyName: deps.companyName, requestedAt: deps.clock.now(), timeZone: deps.timeZone });
      await enqueueMail(deps.queue, { to: email, ...mail, key: `recovery-requested:${caseId}`, template: RECOVERY_MAIL_LABEL }, trx);
    },

    async accountHammered(trx: Kysely<Database>, { account }) {
      const now = deps.clock.now();
      const mail = recoveryHammered({
        lang: account.lang,
        companyName: deps.companyName,
        name: account.name,
        at: now,
        timeZone: deps.timeZone,
      });
      await enqueueMail(
        deps.queue,
        { to: account.email, ...mail, key: `recovery-hammered:${account.id}:${now.toISOString()}`, template: HAMMERED_MAIL_LABEL },
        trx,
      );
    },
    async noAccountHammered(trx: Kysely<Database>, { email, lang }) {
      const now = deps.clock.now();
      const mail = recoveryNoAccount({ lang, companyName: deps.companyName, requestedAt: now, timeZone: deps.timeZone });
      // The key names no address: a hash, like every other mail key.
      const key = `recovery-hammered:${createHash('sha256').update(email).digest('hex').slice(0, 32)}:${now.toISOString()}`;
      await enqueueMail(deps.queue, { to: email, ...mail, key, template: HAMMERED_MAIL_LABEL }, trx);
    },
  };
}
