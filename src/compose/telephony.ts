import type { CallService, ConnectedCall } from '../calls/call-service';
import type { CaseService } from '../cases/case-service';
import type { Carrier, CarrierEvents, CarrierName, IncomingCalls } from '../channels/carrier';
import type { Dialer } from '../channels/dialer';
import { ConfigError, type Config } from '../config';
import type { Clock } from '../domain/clock';
import type { JobSystem } from '../jobs/job-system';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/connect';
import { createTelnyxCarrier } from '../telephony/telnyx/telnyx-carrier';
import { createTwilioCarrier } from '../telephony/twilio/twilio-carrier';
import {
  type CarrierCallService,
  type MachineMessagePlayer,
  type OpenCarrierLine,
  PLACE_CALL_JOB,
  createCarrierCallService,
  createCarrierDialer,
  createPlaceCallJobHandler,
} from '../telephony/carrier';
import { SipCarrier } from '../telephony/sip/sip-carrier';

/** What a carrier adapter is built from: its configuration and where it reports progress and answered media. */
export interface CarrierDeps {
  events: CarrierEvents;
  logger: Logger;
  clock: Clock;
}

export type CarrierFactory = (config: Config, deps: CarrierDeps) => Carrier;

/** A vendor's settings, or a boot error naming the variable that turns them on. */
function settings<T>(value: T | null, variable: string): T {
  if (value === null)
    throw new ConfigError(`invalid AIZUCHI_TELEPHONY: this carrier needs ${variable} and its companions (see README "Phone calls")`);
  return value;
}

/**
 * Every carrier aizuchi can dial through, by AIZUCHI_TELEPHONY name. Each adapter adds its one line
 * here (src/telephony/<vendor>/); a carrier named without its settings fails at boot with a config error.
 */
export const carriers: Record<CarrierName, CarrierFactory> = {
  twilio: (config, deps) =>
    createTwilioCarrier({
      config: settings(config.twilio, 'AIZUCHI_TWILIO_ACCOUNT_SID'),
      publicUrl: config.publicUrl,
      logger: deps.logger,
    }),
  telnyx: (config, deps) =>
    createTelnyxCarrier({ config: settings(config.telnyx, 'AIZUCHI_TELNYX_API_KEY'), publicUrl: config.publicUrl, logger: deps.logger }),
  sip: (config, deps) => {
    if (!config.sip) throw new ConfigError('invalid AIZUCHI_TELEPHONY: sip needs AIZUCHI_SIP_TRUNK and AIZUCHI_SIP_FROM');
    return new SipCarrier(config.sip, deps.events, deps.logger);
  },
};

export interface TelephonyWiring {
  store: Store;
  cases: CaseService;
  calls: CallService;
  jobs: JobSystem;
  clock: Clock;
  logger: Logger;
  /** The voice line over a carrier call's audio (voice engines are loaded on the first call). */
  openLine: OpenCarrierLine;
  /** What an answering machine hears (the voice engines' synthesizer, paced by their clock). */
  machineMessage: MachineMessagePlayer;
  /** Tests: the carrier to use instead of the registry's (a FakeCarrier). */
  carrier?: CarrierFactory;
}

/** A carrier-backed telephony: the Dialer callbacks ring, and what adapters and web routes report to. */
export interface ComposedCarrier {
  carrier: Carrier;
  /** For the adapters' webhooks and the media-stream endpoint. */
  events: CarrierEvents;
  /** Call-in, when configured (compose/calls.ts): the incoming-call webhook's answer. */
  incoming?: IncomingCalls;
  service: CarrierCallService;
  dialer: Dialer;
  /** Registers PLACE_CALL_JOB with the worker. */
  registerJobs(): void;
  close(): Promise<void>;
}

/**
 * The telephony AIZUCHI_TELEPHONY names: null for `softphone` (the default; compose/calls.ts keeps
 * the browser softphone as the dialer) and `text` (compose/calls.ts's text dialer), else the carrier from the registry with its Dialer, the
 * outbound-call job and the CarrierEvents its webhooks and media report to.
 */
export function composeTelephony(config: Config, w: TelephonyWiring): ComposedCarrier | null {
  const name = config.telephony.dialer;
  if (name === 'softphone' || name === 'text') return null;
  // The service hangs up through the carrier, and the carrier reports to the service: tie the knot lazily.
  let carrier: Carrier | null = null;
  const service = createCarrierCallService<ConnectedCall>({
    carrier: { name, hangup: (leg) => carrier!.hangup(leg) },
    store: w.store,
    cases: w.cases,
    calls: w.calls,
    openLine: w.openLine,
    machineMessage: w.machineMessage,
    machineDetection: config.telephony.machineDetection,
    logger: w.logger,
  });
  const factory = w.carrier ?? carriers[name];
  carrier = factory(config, { events: service.events, logger: w.logger, clock: w.clock });
  if (carrier.name !== name) throw new ConfigError(`invalid AIZUCHI_TELEPHONY: the ${name} adapter calls itself ${carrier.name}`);
  const placed = carrier;
  return {
    carrier: placed,
    events: service.events,
    service,
    dialer: createCarrierDialer<ConnectedCall>({ carrier: name, calls: w.calls, queue: w.jobs.queue }),
    registerJobs() {
      w.jobs.worker.register(
        PLACE_CALL_JOB,
        createPlaceCallJobHandler<ConnectedCall>({
          carrier: placed,
          store: w.store,
          cases: w.cases,
          calls: w.calls,
          ringTimeoutSec: config.telephony.ringTimeoutSec,
          logger: w.logger,
        }),
      );
    },
    close: async () => {
      await placed.close?.();
    },
  };
}
