import type { CarrierName } from '../../channels/carrier';
import type { Dialer } from '../../channels/dialer';
import type { JobQueue } from '../../jobs/queue';
import { carrierCallRows } from './carrier-call-rows';
import type { CarrierCallBackend, ConnectedCarrierCall } from './carrier-ports';

/** The durable job that places one carrier call (outbox): see place-call-job.ts. */
export const PLACE_CALL_JOB = 'telephony.place_call';

/** The job's payload: ids only. The media token is minted by the job itself and never queued. */
export interface PlaceCallPayload {
  callId: string;
  caseId: string;
  attempt: number;
}

/**
 * Tries of the job for one attempt when the carrier answers with a transient error (HTTP 429/5xx,
 * a timeout), with the queue's exponential backoff (5 s, 10 s, 20 s …, jobs/backoff.ts) in between.
 */
export const PLACE_CALL_MAX_TRIES = 4;

/**
 * The carrier Dialer (issue 8): it rings the number on record through a carrier, so its answered
 * calls prove phone possession (SECURITY.md "Evidence"). `dial` runs inside the transaction that
 * moves the case to `calling` and never calls the carrier: it records the attempt as a call row
 * (channel = the carrier's name, dial state `queued`) and enqueues PLACE_CALL_JOB in the same
 * transaction, so a rollback leaves neither and a commit leaves both (an outbox).
 */
export function createCarrierDialer<Connected extends ConnectedCarrierCall>(deps: {
  carrier: CarrierName;
  calls: Pick<CarrierCallBackend<Connected>, 'openLink'>;
  queue: JobQueue;
}): Dialer {
  const dialer: Dialer = {
    provesPhonePossession: true,
    async dial(trx, caseId, attempt) {
      // The link's token is dropped here: the job mints the one the carrier carries (reissueToken).
      const { callId } = await deps.calls.openLink(trx, caseId, deps.carrier, dialer);
      await carrierCallRows.markQueued(trx, callId, deps.carrier);
      const payload: PlaceCallPayload = { callId, caseId, attempt };
      await deps.queue.enqueue(PLACE_CALL_JOB, payload, { dedupeKey: `place-call:${callId}`, maxAttempts: PLACE_CALL_MAX_TRIES }, trx);
    },
  };
  return dialer;
}
