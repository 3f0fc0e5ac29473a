import type { StoreTransaction } from '../jobs/queue';

/** Places calls for scheduled cases (softphone, SIP, …); the channel decides how the phone rings. */
export interface Dialer {
  /**
   * Starts ringing the customer for this case, inside the transaction that moves the case to
   * `calling`, so a crash leaves either both or neither.
   */
  dial(trx: StoreTransaction, caseId: string, attempt: number): Promise<void>;
}
