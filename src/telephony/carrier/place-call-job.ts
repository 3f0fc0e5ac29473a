import type { Carrier } from '../../channels/carrier';
import { errorFields } from '../../domain/errors';
import { isLang } from '../../domain/lang';
import { type JobHandler, PermanentJobError, RetryableJobError } from '../../jobs/queue';
import type { Logger } from '../../observability/logger';
import type { Store } from '../../store/connect';
import { carrierCallRows } from './carrier-call-rows';
import { PLACE_CALL_MAX_TRIES, type PlaceCallPayload } from './carrier-dialer';
import type { CarrierCallBackend, CarrierCaseBackend, ConnectedCarrierCall } from './carrier-ports';

export interface PlaceCallJobDeps<Connected extends ConnectedCarrierCall> {
  carrier: Carrier;
  store: Pick<Store, 'db'>;
  cases: CarrierCaseBackend;
  calls: Pick<CarrierCallBackend<Connected>, 'reissueToken' | 'finish'>;
  /** AIZUCHI_TELEPHONY_RING_SEC. */
  ringTimeoutSec: number;
  logger: Logger;
  /** Tries before a transient refusal ends the attempt (default PLACE_CALL_MAX_TRIES, as enqueued). */
  maxTries?: number;
}

function parsePayload(payload: unknown): PlaceCallPayload {
  const p = payload as Partial<PlaceCallPayload> | null;
  const id = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 100;
  if (!p || !id(p.callId) || !id(p.caseId) || typeof p.attempt !== 'number') throw new PermanentJobError('place-call payload is malformed');
  return p as PlaceCallPayload;
}

/**
 * Places one carrier call, outside any database transaction (issue 8, "no carrier call inside a
 * database transaction"). Steps, each committed before the next:
 * 1. `queued` → `placing`, with a fresh single-use media token (only its HMAC is stored) and a
 *    `call_placing` event.
 * 2. Carrier.place with that token.
 * 3. The leg id → calls.carrier_call_id, `placed`, and a `call_placed` event (with the job's done mark).
 * A re-run that finds `placing` (the process died between 1 and 3) cannot tell whether the vendor
 * accepted the call, so it never dials again: the attempt ends `abandoned` (carrier_failed) and the
 * retry policy books a new attempt. A retryable refusal goes back to `queued` and the job retries
 * with backoff; a refusal for good, or the last try, ends the attempt the same way.
 */
export function createPlaceCallJobHandler<Connected extends ConnectedCarrierCall>(deps: PlaceCallJobDeps<Connected>): JobHandler {
  const { carrier, cases, calls } = deps;
  const log = deps.logger.child({ component: 'carrier', carrier: carrier.name });
  const maxTries = deps.maxTries ?? PLACE_CALL_MAX_TRIES;

  async function endAttempt(p: PlaceCallPayload, from: 'placing' | 'queued', to: 'unknown' | 'failed', data: Record<string, unknown>) {
    await cases.inTransaction(async (trx) => {
      if (!(await carrierCallRows.moveDialState(trx, p.callId, from, to))) return;
      await cases.record(trx, p.caseId, to === 'unknown' ? 'call_place_unknown' : 'call_failed', {
        callId: p.callId,
        carrier: carrier.name,
        attempt: p.attempt,
        ...data,
      });
    });
    await calls.finish(p.callId, 'abandoned', 'carrier_failed', null);
  }

  return async (payload, ctx) => {
    const p = parsePayload(payload);
    const call = await carrierCallRows.get(deps.store.db, p.callId);
    if (!call || call.state !== 'pending') {
      log.info({ jobId: ctx.jobId, state: call?.state ?? 'missing' }, 'place call skipped: the call is no longer pending');
      return;
    }
    if (call.dial_state === 'placing') {
      log.warn({ jobId: ctx.jobId, callId: p.callId }, 'place call found a try that may have reached the carrier; not dialling again');
      await endAttempt(p, 'placing', 'unknown', { reason: 'interrupted' });
      return;
    }
    if (call.dial_state !== 'queued') return;
    const caseRow = await cases.get(p.caseId);
    if (!caseRow || caseRow.state !== 'calling') {
      // Cancelled (or taken by a person) while the job waited: nothing to ring.
      await endAttempt(p, 'queued', 'failed', { reason: 'case_not_calling' });
      return;
    }

    const token = await cases.inTransaction(async (trx) => {
      if (!(await carrierCallRows.moveDialState(trx, p.callId, 'queued', 'placing'))) return null;
      const fresh = await calls.reissueToken(trx, p.callId);
      if (!fresh) return null;
      await cases.record(trx, p.caseId, 'call_placing', { callId: p.callId, carrier: carrier.name, attempt: p.attempt, try: ctx.attempt });
      return fresh;
    });
    if (!token) return;

    let leg;
    try {
      leg = await carrier.place({
        callId: p.callId,
        toE164: caseRow.phone_e164,
        lang: isLang(caseRow.lang) ? caseRow.lang : 'ja',
        mediaToken: token,
        ringTimeoutSec: deps.ringTimeoutSec,
      });
    } catch (err) {
      const fields = errorFields(err);
      const retryable = (err as { retryable?: unknown } | null)?.retryable !== false;
      log.warn({ jobId: ctx.jobId, callId: p.callId, try: ctx.attempt, retryable, ...fields }, 'carrier refused the call');
      if (retryable && ctx.attempt < maxTries) {
        // Carrier.place's contract: a rejection means the vendor did not accept the call, so this attempt may dial again.
        await cases.inTransaction(async (trx) => {
          if (!(await carrierCallRows.moveDialState(trx, p.callId, 'placing', 'queued'))) return;
          await cases.record(trx, p.caseId, 'call_place_retry', {
            callId: p.callId,
            carrier: carrier.name,
            try: ctx.attempt,
            error: fields.errorCode ?? fields.errorName,
          });
        });
        throw new RetryableJobError('carrier refused the call for now', { cause: err });
      }
      await endAttempt(p, 'placing', 'failed', { error: fields.errorCode ?? fields.errorName, retryable });
      return;
    }

    const placed = leg;
    await ctx.complete(async (trx) => {
      // The queue's transaction holds no chain lock: take it before the call's row (cases/lock-order.ts).
      await cases.lockCase(trx, p.caseId);
      if (!(await carrierCallRows.markPlaced(trx, p.callId, placed))) return;
      await cases.record(trx, p.caseId, 'call_placed', {
        callId: p.callId,
        carrier: placed.carrier,
        carrierCallId: placed.carrierCallId,
        attempt: p.attempt,
      });
    });
  };
}
