import type { OutcomeDetail } from '../../agent';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallProgress, Carrier, CarrierEvents, CarrierLeg } from '../../channels/carrier';
import { errorFields } from '../../domain/errors';
import { type Lang, isLang } from '../../domain/lang';
import type { Logger } from '../../observability/logger';
import type { Store } from '../../store/connect';
import { type CarrierCallRow, carrierCallRows, progressEventKind, progressStep } from './carrier-call-rows';
import type { CarrierCallBackend, CarrierCaseBackend, ConnectedCarrierCall, OpenCarrierLine } from './carrier-ports';
import { GatedAudio, type GateResult, listenToGreeting } from './gated-audio';
import type { GreetingRules } from './greeting-classifier';
import type { MachineMessagePlayer } from './machine-message';

export interface CarrierCallServiceDeps<Connected extends ConnectedCarrierCall> {
  /** The carrier that hangs up legs this service ends (the configured one). */
  carrier: Pick<Carrier, 'name' | 'hangup'>;
  store: Pick<Store, 'db'>;
  cases: CarrierCaseBackend;
  calls: Pick<CarrierCallBackend<Connected>, 'connect' | 'attach' | 'finish'>;
  /** The voice line over the answered call's audio (compose/calls.ts: openVoiceCall). */
  openLine: OpenCarrierLine;
  /** What an answering machine hears before the hang-up (machine-message.ts). */
  machineMessage: MachineMessagePlayer;
  /**
   * `greeting` (default): the greeting gate listens before the agent speaks; `carrier`: only the
   * carrier's own detection counts and the agent starts at once (AIZUCHI_TELEPHONY_MACHINE_DETECTION).
   */
  machineDetection?: 'greeting' | 'carrier';
  /** The greeting heuristic's figures (default GREETING_RULES, TELEPHONY.md §6). */
  greetingRules?: GreetingRules;
  logger: Logger;
}

/** Why a call nobody (human) talked on ended, as the outcome's detail (the reschedule mail reads it). */
function detailFor(progress: CallProgress, previous: string | null | undefined): OutcomeDetail {
  if (progress.kind === 'machine' || previous === 'machine') return 'machine';
  if (progress.kind !== 'ended') return 'carrier_failed';
  switch (progress.result) {
    case 'busy':
      return 'busy';
    case 'failed':
      return 'carrier_failed';
    default:
      // no_answer, cancelled, or completed on the carrier's side without its media ever reaching us.
      return 'not_answered';
  }
}

const LEG_LOOKUP_RETRIES = 3;
const LEG_LOOKUP_DELAY_MS = 100;
/** How long answered media waits for its call's leg id to be written (a stream starts seconds after the place request returns). */
const LEG_WAIT_MS = 5_000;
const LEG_POLL_MS = 100;

/** An answered call this process carries. */
interface LiveCall {
  readonly callId: string;
  readonly lang: Lang;
  readonly raw: AudioChannel;
  readonly gated: GatedAudio;
  readonly leg: CarrierLeg | null;
  /** Settles the greeting gate from outside while it listens. */
  interruptGate: ((result: GateResult) => void) | null;
  session: { detach(): void } | null;
  machine: boolean;
}

/**
 * The CarrierEvents every adapter reports to (src/channels/carrier.ts), over the calls table:
 * progress by the carrier's leg id, and the answered call's audio by its single-use media token.
 * An answered call first passes the greeting gate (a long greeting is an answering machine); a
 * machine, whether the gate or the carrier's detection says so, hears the machine message once and
 * the call ends `abandoned` (machine), which the retry policy books again.
 */
export function createCarrierCallService<Connected extends ConnectedCarrierCall>(deps: CarrierCallServiceDeps<Connected>) {
  const { cases, calls } = deps;
  const log = deps.logger.child({ component: 'carrier' });
  const live = new Map<string, LiveCall>();

  /** Records a step once (the furthest wins) with its case event; false when it was no advance. */
  async function advance(call: Pick<CarrierCallRow, 'id' | 'case_id'>, leg: CarrierLeg | null, progress: CallProgress): Promise<boolean> {
    return cases.inTransaction(async (trx) => {
      if (!(await carrierCallRows.advance(trx, call.id, progressStep(progress)))) return false;
      await cases.record(trx, call.case_id, progressEventKind(progress), {
        callId: call.id,
        carrier: leg?.carrier ?? deps.carrier.name,
        ...(leg ? { carrierCallId: leg.carrierCallId } : {}),
        ...(progress.kind === 'machine' ? { source: progress.source } : {}),
        ...(progress.kind === 'ended' && progress.sipCode !== undefined ? { sipCode: progress.sipCode } : {}),
      });
      return true;
    });
  }

  /** The machine message, the hang-up, and the end of the call as `abandoned` (machine). Once per call. */
  async function answerMachine(entry: LiveCall): Promise<void> {
    if (entry.machine) return;
    entry.machine = true;
    entry.gated.cut();
    entry.session?.detach();
    try {
      await deps.machineMessage(entry.raw, entry.lang);
    } catch (err) {
      log.warn({ callId: entry.callId, ...errorFields(err) }, 'machine message could not be played');
    }
    live.delete(entry.callId);
    entry.raw.close('machine');
    if (entry.leg) await deps.carrier.hangup(entry.leg).catch((err: unknown) => log.warn({ ...errorFields(err) }, 'hang-up failed'));
    await calls.finish(entry.callId, 'abandoned', 'machine', null);
  }

  /**
   * The call a leg names. A carrier may report progress in the moment between accepting the call and
   * our write of its leg id (place-call-job.ts step 3), so a miss is looked up again a few times
   * (LEG_LOOKUP_RETRIES × LEG_LOOKUP_DELAY_MS) before the report counts as another deployment's.
   */
  async function findLeg(leg: CarrierLeg): Promise<CarrierCallRow | undefined> {
    for (let i = 0; ; i++) {
      const call = await carrierCallRows.byLeg(deps.store.db, leg);
      if (call || i >= LEG_LOOKUP_RETRIES) return call;
      await new Promise((resolve) => setTimeout(resolve, LEG_LOOKUP_DELAY_MS));
    }
  }

  const events: CarrierEvents = {
    async progress(leg, progress) {
      const call = await findLeg(leg);
      if (!call) {
        log.debug({ carrier: leg.carrier, progress: progress.kind }, 'progress for a leg we do not know; ignored');
        return;
      }
      if (!(await advance(call, leg, progress))) return;
      const entry = live.get(call.id);
      if (progress.kind === 'machine' && entry) {
        // The carrier's detection spoke while the gate listened or the agent talked: the gate's answer no longer matters.
        if (entry.interruptGate) entry.interruptGate('machine');
        else
          void answerMachine(entry).catch((err: unknown) => log.error({ callId: call.id, ...errorFields(err) }, 'machine handling failed'));
        return;
      }
      if (progress.kind === 'ended') {
        entry?.raw.close('carrier_ended');
        // A call that never connected ends here; a connected one ends through its session (the line closed).
        const now = await carrierCallRows.get(deps.store.db, call.id);
        if (now?.state === 'pending') await calls.finish(call.id, 'abandoned', detailFor(progress, call.carrier_progress), null);
      }
    },

    async answered(mediaToken, audio, leg) {
      let result = await calls.connect(mediaToken, leg);
      // A quick answer can beat the place-call job's write of the leg id: wait for it, briefly.
      for (let waited = 0; !result.ok && result.reason === 'unplaced' && waited < LEG_WAIT_MS; waited += LEG_POLL_MS) {
        await new Promise((r) => setTimeout(r, LEG_POLL_MS));
        result = await calls.connect(mediaToken, leg);
      }
      if (!result.ok) {
        const reason = result.reason === 'unplaced' ? 'unknown' : result.reason;
        log.info({ reason: result.reason, carrier: leg?.carrier }, 'carrier media refused');
        return { ok: false, reason };
      }
      const { connected } = result;
      const callId = connected.call.id;
      const entry: LiveCall = {
        callId,
        lang: isLang(connected.caseRow.lang) ? connected.caseRow.lang : 'ja',
        raw: audio,
        gated: new GatedAudio(audio),
        leg,
        interruptGate: null,
        session: null,
        machine: false,
      };
      live.set(callId, entry);
      audio.onClose(() => {
        if (!entry.machine) live.delete(callId);
      });
      // Resolve now: the adapter releases the caller's audio only once the token is accepted, and the
      // gate needs that audio. The gate and the agent go on from here.
      void takeCall(entry, connected).catch((err: unknown) => log.error({ callId, ...errorFields(err) }, 'carrier call failed to start'));
      return { ok: true, callId };
    },
  };

  /** The greeting gate, then the machine message or the agent's voice line. */
  async function takeCall(entry: LiveCall, connected: Connected): Promise<void> {
    const { callId, leg, raw } = entry;
    const row = await carrierCallRows.get(deps.store.db, callId);
    let verdict: GateResult;
    if (row?.carrier_progress === 'machine') {
      verdict = 'machine'; // the carrier's detection decided before the media arrived
    } else if (deps.machineDetection === 'carrier') {
      verdict = 'human'; // the carrier's detection alone; a later `machine` report still cuts the agent off
    } else {
      const gate = listenToGreeting(raw, deps.greetingRules);
      entry.interruptGate = gate.interrupt;
      verdict = await gate.result;
      entry.interruptGate = null;
      if (verdict === 'machine' && row && !entry.machine) await advance(row, leg, { kind: 'machine', source: 'greeting_heuristic' });
    }
    if (verdict === 'machine') return answerMachine(entry);
    if (verdict === 'closed') {
      // Picked up and hung up before anything we could act on: retried like no answer.
      live.delete(callId);
      return calls.finish(callId, 'abandoned', 'not_answered', null);
    }
    try {
      const line = await deps.openLine({
        callId,
        caseId: connected.caseRow.id,
        lang: entry.lang,
        recordingAllowed: connected.caseRow.recording_consent === 1,
        audio: entry.gated,
      });
      entry.session = await calls.attach(connected, line);
    } catch (err) {
      log.error({ callId, ...errorFields(err) }, 'carrier call could not start its voice line');
      live.delete(callId);
      raw.close('error');
      if (leg) await deps.carrier.hangup(leg).catch(() => undefined);
      await calls.finish(callId, 'escalated', 'system_error', null);
    }
  }

  return {
    events,
    /** Answered calls this process carries now. */
    liveCount: () => live.size,
  };
}

export type CarrierCallService = ReturnType<typeof createCarrierCallService>;
