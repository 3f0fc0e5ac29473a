import type { Dialer } from '../channels/dialer';
import type { CallService } from './call-service';

/**
 * A Dialer for the text channel: a due callback opens a single-use call link and hands it to
 * `ring` (a demo page, a test, a notifier). The link is never logged: it is the credential.
 */
export function createTextDialer(calls: Pick<CallService, 'openLink'>, ring: (caseId: string, url: string) => void): Dialer {
  const dialer: Dialer = {
    // The link goes to whoever `ring` hands it to: no proof of the phone on record.
    provesPhonePossession: false,
    async dial(trx, caseId) {
      const { url } = await calls.openLink(trx, caseId, 'text', dialer);
      ring(caseId, url);
    },
  };
  return dialer;
}
