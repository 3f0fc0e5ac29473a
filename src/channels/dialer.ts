import type { StoreTransaction } from '../jobs/queue';

/** Places calls for scheduled cases (softphone, SIP, …); the channel decides how the phone rings. */
export interface Dialer {
  /**
   * True only for a dialer that itself rings the E.164 number on record (or an operator-approved
   * one) through a carrier or SIP: its answered calls prove phone possession
   * (`outbound_call_to_record`, SECURITY.md "Evidence"). False for the softphone, text and
   * default dialers: their calls are reached through a link, which proves at most the mailbox.
   * The call records this when it is placed and the reset facts read it from there.
   */
  readonly provesPhonePossession: boolean;
  /**
   * Starts ringing the customer for this case, inside the transaction that moves the case to
   * `calling`, so a crash leaves either both or neither.
   */
  dial(trx: StoreTransaction, caseId: string, attempt: number): Promise<void>;
}
