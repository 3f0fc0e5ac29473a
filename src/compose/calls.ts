import type { Dialer } from '../cases/callback-job';
import type { CaseService } from '../cases/case-service';
import { failManualRecovery } from '../cases/escalations/manual-recovery-failure';
import { type CallService, createCallService } from '../calls';
import { createCallOwnership } from '../calls/call-owners';
import { createTextDialer } from '../calls/text-dialer';
import { type LiveCalls, createInProcessLiveCalls } from '../calls/live/live-calls';
import { createSharedLiveCalls } from '../calls/live/shared-live-calls';
import { OperatorDesk } from '../calls/transfer/operator-desk';
import { CallTaps } from '../calls/live/call-tap';
import { createLiveTransfer } from '../calls/transfer/live-transfer';
import { systemTimers } from '../domain/clock';
import { openVoiceCall } from '../calls/voice/open-voice-call';
import { type VoiceRuntime, createVoiceRuntime } from '../calls/voice/voice-media';
import type { Config } from '../config';
import type { BusinessCalendar } from '../domain/calendar';
import type { Clock } from '../domain/clock';
import type { IdentityProvider } from '../identity/provider';
import type { JobSystem } from '../jobs/job-system';
import type { Logger } from '../observability/logger';
import type { Keys } from '../security/keys';
import type { RateLimiter } from '../security/rate-limiter';
import type { Store } from '../store/connect';
import type { PubSub } from '../store/pubsub';
import { type Softphone, createSoftphone } from '../telephony/softphone';
import { type OpenCarrierLine, createMachineMessagePlayer } from '../telephony/carrier';
import { type ComposedAudioSocket, composeAudioSocket } from './audiosocket';
import { type CarrierFactory, type ComposedCarrier, composeTelephony } from './telephony';
import { createCallIn, withCallIn } from '../calls/call-in/call-in-service';
import { type PolicyName, policyPreset } from '../domain/policy';

export interface CallsWiring {
  store: Store;
  cases: CaseService;
  /** Where customer accounts live (Services.accounts). */
  identity: IdentityProvider;
  calendar: BusinessCalendar;
  /** The recovery policy in force (Services.settings.policy); config.policy when absent. */
  policy?: () => PolicyName;
  clock: Clock;
  keys: Keys;
  jobs: JobSystem;
  limiter: RateLimiter;
  logger: Logger;
  /** Messages between processes on one database (issue 11): softphone rings, the live feed. */
  pubsub?: PubSub;
  /** Given by tests and other channels; the default rings the built-in softphone. */
  dialer?: Dialer;
  withSoftphone: boolean;
  /** Tests: the carrier AIZUCHI_TELEPHONY's name stands for (instead of the adapter registry's). */
  carrier?: CarrierFactory;
  /** Tests: the line a carrier call's audio runs over (a scripted line instead of the voice engines). */
  carrierLine?: OpenCarrierLine;
}

export interface ComposedCalls {
  calls: CallService;
  /** Calls in progress and their transcripts as they happen (the console's live calls view). */
  live: LiveCalls;
  /** Operators whose console softphone is connected, for live transfers. */
  desk: OperatorDesk;
  /** Audio taps of the voice calls this process runs (listen in from /console/live). */
  taps: CallTaps;
  softphone: Softphone | null;
  dialer: Dialer;
  /** The carrier AIZUCHI_TELEPHONY names, or null for the softphone. */
  telephony: ComposedCarrier | null;
  /** The AudioSocket listener (AIZUCHI_AUDIOSOCKET_LISTEN), or null. */
  audioSocket: ComposedAudioSocket | null;
  /** Closes the speech engines if a voice call ever loaded them. */
  closeVoice(): Promise<void>;
}

/** When neither a dialer nor the softphone exists, a due callback fails (and is retried) rather than vanish. */
const noCallbackChannel: Dialer = {
  provesPhonePossession: false,
  dial: async () => {
    throw new Error('no callback channel: the softphone is disabled and no dialer was given');
  },
};

/**
 * Calls from configuration: the call service, the browser softphone (voice engines loaded on the
 * first voice call, not in every CLI command) and the dialer due callbacks ring.
 */
export function composeCalls(config: Config, w: CallsWiring): ComposedCalls {
  // On PostgreSQL any number of processes share the feed (events over NOTIFY, snapshot from the
  // database); on SQLite there is one process, and its memory is the feed.
  const live =
    w.pubsub && w.store.dialect === 'postgres'
      ? createSharedLiveCalls({ pubsub: w.pubsub, db: w.store.db, logger: w.logger })
      : createInProcessLiveCalls();
  const desk = new OperatorDesk(systemTimers({ keepsProcessAlive: false }));
  const transfer = createLiveTransfer({
    desk,
    cases: w.cases,
    calendar: w.calendar,
    clock: w.clock,
    timeZone: config.calendar.timeZone,
    personDelayMs: config.limits.escalationSlaMin * 60_000,
    voice: async () => {
      const runtime = await voice();
      return { synthesizer: runtime.media.synthesizer, clock: runtime.clock };
    },
    logger: w.logger,
  });
  const calls = createCallService({
    // Local operators are accounts; an SSO operator (oidc:<sub>) has none here and is shown by id.
    operatorName: async (id) => (await w.identity.getContact(id).catch(() => null))?.name ?? null,
    // A manual recovery whose reset the resume job gave up on ends `failed` (issue 10), in the job's own transaction.
    resetGaveUp: async (trx, info) => {
      const requestId = info.detail?.requestId;
      if (info.via !== 'manual' || typeof requestId !== 'string') return;
      await failManualRecovery(trx, w.cases, { requestId, reason: info.reason, failedStep: info.failedStep, errorCode: info.errorCode });
    },
    live,
    owners: createCallOwnership({ store: w.store, clock: w.clock, logger: w.logger, leaseMs: config.callLeaseMs }),
    transfer,
    store: w.store,
    cases: w.cases,
    identity: w.identity,
    calendar: w.calendar,
    clock: w.clock,
    keys: w.keys,
    queue: w.jobs.queue,
    cancelJob: (key, trx) => w.jobs.cancelByDedupeKey(key, trx),
    limiter: w.limiter,
    logger: w.logger,
    settings: {
      serverUrl: config.serverUrl,
      publicUrl: config.publicUrl,
      companyName: config.companyName,
      inboundNumbers: config.inboundNumbers,
      agentName: config.agentName,
      policy: w.policy ?? config.policy,
      timeZone: config.calendar.timeZone,
      callbackRetries: config.limits.callbackRetries,
      callbackRetryDelayMin: config.limits.callbackRetryDelayMin,
    },
  });

  let voiceRuntime: Promise<VoiceRuntime> | undefined;
  const voice = () => (voiceRuntime ??= createVoiceRuntime(config, { prewarm: ['ja', 'en'] }));
  const softphone = w.withSoftphone
    ? createSoftphone({
        store: w.store,
        clock: w.clock,
        tokenKey: w.keys.tokenHmac,
        cases: w.cases,
        calls,
        openVoice: (args) => openVoice(args),
        ...(w.pubsub ? { pubsub: w.pubsub } : {}),
        logger: w.logger,
      })
    : null;

  // Every voice call here gets an audio tap the console can listen in on; it goes with the line.
  const taps = new CallTaps();
  const openVoice = async (args: Omit<Parameters<typeof openVoiceCall>[0], 'runtime' | 'store' | 'dataDir'>) => {
    const tap = taps.open(args.callId);
    const line = await openVoiceCall({ runtime: await voice(), store: w.store, dataDir: config.dataDir, tap, ...args });
    void line.closed.finally(() => taps.close(args.callId, tap));
    return line;
  };
  const carrierTelephony = composeTelephony(config, {
    store: w.store,
    cases: w.cases,
    calls,
    jobs: w.jobs,
    clock: w.clock,
    logger: w.logger,
    openLine: w.carrierLine ?? openVoice,
    machineMessage: async (audio, lang) => {
      const runtime = await voice();
      const play = createMachineMessagePlayer({
        synthesizer: runtime.media.synthesizer,
        pacer: runtime.clock,
        companyName: config.companyName,
      });
      await play(audio, lang);
    },
    ...(w.carrier ? { carrier: w.carrier } : {}),
  });
  // Call-in (issue 8 §5): over Twilio or Asterisk AudioSocket, when a number to call is configured.
  const callIn =
    (carrierTelephony?.carrier.name === 'twilio' || config.audioSocket) && config.inboundNumbers
      ? createCallIn({
          store: w.store,
          cases: w.cases,
          calls,
          identity: w.identity,
          limiter: w.limiter,
          tokenKey: w.keys.tokenHmac,
          clock: w.clock,
          policy: () => policyPreset(w.policy?.() ?? config.policy),
          inboundNumbers: config.inboundNumbers,
          companyName: config.companyName,
          openLine: w.carrierLine ?? openVoice,
          logger: w.logger,
        })
      : null;
  const telephony: ComposedCarrier | null =
    carrierTelephony?.carrier.name === 'twilio' && callIn
      ? { ...carrierTelephony, events: withCallIn(carrierTelephony.events, callIn), incoming: callIn.incoming }
      : carrierTelephony;

  const audioSocket = composeAudioSocket(config, {
    logger: w.logger,
    voice: async () => {
      const runtime = await voice();
      return { synthesizer: runtime.media.synthesizer, pacer: runtime.clock };
    },
    callIn: callIn ? { incoming: callIn.incoming, answered: callIn.answered } : null,
  });

  // The link is the credential: never logged; the rig reissues a token for the pending call.
  const textDialer = () =>
    createTextDialer(calls, (caseId) => w.logger.info({ caseId }, 'text call opened; nobody is rung (AIZUCHI_TELEPHONY=text)'));

  return {
    calls,
    live,
    desk,
    taps,
    softphone,
    telephony,
    audioSocket,
    // Due callbacks ring the phone through the configured carrier, else the customer's browser
    // softphone (the link in the request mail); `text` opens a text call for a rig to answer.
    dialer:
      w.dialer ?? telephony?.dialer ?? (config.telephony.dialer === 'text' ? textDialer() : null) ?? softphone?.dialer ?? noCallbackChannel,
    async closeVoice() {
      await audioSocket?.close();
      await telephony?.close();
      if (voiceRuntime) await (await voiceRuntime).close();
    },
  };
}
