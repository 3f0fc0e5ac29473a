import type { OutcomeDetail } from '../../agent';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallProgress, Carrier, CarrierEvents, CarrierLeg } from '../../channels/carrier';
import { errorFields } from '../../domain/errors';
import { isLang } from '../../domain/lang';
import type { Logger } from '../../observability/logger';
import type { Store } from '../../store/connect';
import { carrierCallRows, progressEventKind, progressStep } from './carrier-call-rows';
import type { CarrierCallBackend, CarrierCaseBackend, ConnectedCarrierCall, OpenCarrierLine } from './carrier-ports';

export interface CarrierCallServiceDeps<Connected extends ConnectedCarrierCall> {
  /** The carrier that hangs up legs this service ends (the configured one). */
  carrier: Pick<Carrier, 'name' | 'hangup'>;
  store: Pick<Store, 'db'>;
  cases: CarrierCaseBackend;
  calls: Pick<CarrierCallBackend<Connected>, 'connect' | 'attach' | 'finish'>;
  /** The voice line over the answered call's audio (compose/calls.ts: openVoiceCall). */
  openLine: OpenCarrierLine;
  logger: Logger;
}

/** Why a call nobody (human) talked on ended, as the outcome's detail (the reschedule mail reads it). */
function detailFor(progress: CallProgress, previous: string | null | undefined): OutcomeDetail {
  if (progress.kind === 'machine' || previous === 'machine') return 'machine';
  if (progress.kind !== 'ended') return 'carrier_failed';
  switch (progress.result) {
    case 'busy':
      return 'busy';
    case 'no_answer':
    case 'cancelled':
      return 'not_answered';
    case 'completed':
      // Answered on the carrier's side, but the media never reached us: nobody talked to the agent.
      return 'not_answered';
    case 'failed':
      return 'carrier_failed';
  }
}

/**
 * The CarrierEvents every adapter reports to (src/channels/carrier.ts), over the calls table:
 * progress by the carrier's leg id, and the answered call's audio by its single-use media token.
 */
export function createCarrierCallService<Connected extends ConnectedCarrierCall>(deps: CarrierCallServiceDeps<Connected>) {
  const { cases, calls } = deps;
  const log = deps.logger.child({ component: 'carrier' });
  /** Answered calls this process carries, by call id. */
  const live = new Map<string, { audio: AudioChannel; leg: CarrierLeg | null }>();

  const events: CarrierEvents = {
    async progress(leg, progress) {
      const call = await carrierCallRows.byLeg(deps.store.db, leg);
      if (!call) {
        log.debug({ carrier: leg.carrier, progress: progress.kind }, 'progress for a leg we do not know; ignored');
        return;
      }
      const step = progressStep(progress);
      const advanced = await cases.inTransaction(async (trx) => {
        if (!(await carrierCallRows.advance(trx, call.id, step))) return false;
        await cases.record(trx, call.case_id, progressEventKind(progress), {
          callId: call.id,
          carrier: leg.carrier,
          carrierCallId: leg.carrierCallId,
          ...(progress.kind === 'machine' ? { source: progress.source } : {}),
          ...(progress.kind === 'ended' && progress.sipCode !== undefined ? { sipCode: progress.sipCode } : {}),
        });
        return true;
      });
      if (!advanced) return;
      if (progress.kind === 'ended') {
        live.get(call.id)?.audio.close('carrier_ended');
        // A call that never connected ends here; a connected one ends through its session (the line closed).
        const now = await carrierCallRows.get(deps.store.db, call.id);
        if (now?.state === 'pending') await calls.finish(call.id, 'abandoned', detailFor(progress, call.carrier_progress), null);
      }
    },

    async answered(mediaToken, audio, leg) {
      const result = await calls.connect(mediaToken);
      if (!result.ok) {
        log.info({ reason: result.reason, carrier: leg?.carrier }, 'carrier media refused');
        return result;
      }
      const { connected } = result;
      const callId = connected.call.id;
      live.set(callId, { audio, leg });
      audio.onClose(() => live.delete(callId));
      try {
        const line = await deps.openLine({
          callId,
          caseId: connected.caseRow.id,
          lang: isLang(connected.caseRow.lang) ? connected.caseRow.lang : 'ja',
          recordingAllowed: connected.caseRow.recording_consent === 1,
          audio,
        });
        await calls.attach(connected, line);
      } catch (err) {
        log.error({ callId, ...errorFields(err) }, 'carrier call could not start its voice line');
        live.delete(callId);
        audio.close('error');
        if (leg) await deps.carrier.hangup(leg).catch(() => undefined);
        await calls.finish(callId, 'escalated', 'system_error', null);
        // Connected, then lost: the token is spent, and the adapter must close its media.
        return { ok: false, reason: 'closed' };
      }
      return { ok: true, callId };
    },
  };

  return {
    events,
    /** Answered calls this process carries now. */
    liveCount: () => live.size,
  };
}

export type CarrierCallService = ReturnType<typeof createCarrierCallService>;
