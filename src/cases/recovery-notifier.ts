import type { Kysely } from 'kysely';
import type { JobQueue } from '../jobs/queue';
import { enqueueMail } from '../mail/mail-job';
import { recoveryRequested } from '../mail/templates';
import type { Database } from '../store/schema';
import type { RecoveryNotifier } from './recovery-request';

export interface RecoveryNotifierDeps {
  queue: JobQueue;
  publicUrl: string;
  timeZone: string;
  companyName: string;
  clock: { now(): Date };
}

/** Mails the account holder that a recovery was requested, with the "this wasn't me" link. */
export function createRecoveryNotifier(deps: RecoveryNotifierDeps): RecoveryNotifier {
  return {
    async requestReceived(trx: Kysely<Database>, { caseId, account, lang, callAt, cancelToken }) {
      const cancelUrl = new URL(`/recover/cancel?token=${encodeURIComponent(cancelToken)}&lang=${lang}`, deps.publicUrl).toString();
      // A case waiting for a person's review has no call time yet; say the earliest it could be.
      const mail = recoveryRequested({
        lang,
        companyName: deps.companyName,
        name: account.name,
        callAt: callAt ?? deps.clock.now(),
        timeZone: deps.timeZone,
        cancelUrl,
        channel: 'phone',
        requestedAt: deps.clock.now(),
      });
      await enqueueMail(deps.queue, { to: account.email, ...mail, key: `recovery-requested:${caseId}`, template: 'recovery-requested' }, trx);
    },
  };
}
