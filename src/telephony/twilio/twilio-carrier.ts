import twilio from 'twilio';
import type { Carrier, CarrierLeg, OutboundCallRequest } from '../../channels/carrier';
import type { TwilioConfig } from '../../config';
import { AizuchiError } from '../../domain/errors';
import type { Logger } from '../../observability/logger';
import { LiveLegs } from '../live-legs';
import { mediaStreamUrl } from '../public-urls';
import { streamTwiml } from './twiml';

/** Where Twilio posts call progress and the async AMD verdict, under AIZUCHI_PUBLIC_URL. */
export const TWILIO_STATUS_PATH = '/telephony/twilio/status';
export const TWILIO_AMD_PATH = '/telephony/twilio/amd';

/** Twilio error 20404: the resource (here, the call) does not exist any more. */
const TWILIO_NOT_FOUND = 20404;

/** Twilio refused a request or could not be reached. `retryable` says whether the same request may be sent again. */
export class TwilioCarrierError extends AizuchiError {
  readonly status: number | null;
  constructor(message: string, opts: { code: string; retryable: boolean; status: number | null; cause?: unknown }) {
    super(message, { code: opts.code, retryable: opts.retryable, cause: opts.cause });
    this.status = opts.status;
  }
}

export interface TwilioCarrierDeps {
  config: TwilioConfig;
  /** AIZUCHI_PUBLIC_URL: the base of the status callback and the media-stream URL Twilio connects to. */
  publicUrl: string;
  logger: Logger;
  /** REST timeout in ms (default 15 000). */
  requestTimeoutMs?: number;
}

/**
 * The Twilio carrier: `place` creates an outbound call over the REST API with inline TwiML that
 * connects a bidirectional `<Connect><Stream>` to aizuchi's media-stream endpoint, the per-call
 * token as a `<Parameter>` (never in the URL: Twilio logs URLs, and stream URLs take no query,
 * TELEPHONY.md §1.3); `hangup` sets `Status=completed`.
 *
 * Uses the official `twilio` helper. It has no base-URL option, but its API domain's public
 * `baseUrl` field is where every Calls request is built from (twilio/lib/base/Domain.js), so we set
 * it to AIZUCHI_TWILIO_API_URL (or the edge hostname) and leave the helper's own edge/region
 * rewriting off, which would otherwise mangle a non-Twilio host (BaseTwilio.getHostname).
 */
export function createTwilioCarrier(deps: TwilioCarrierDeps): Carrier {
  const { config, logger } = deps;
  const client = twilio(config.accountSid, config.authToken, {
    // The outbound-call job owns retries (it knows whether the attempt may be repeated).
    autoRetry: false,
    timeout: deps.requestTimeoutMs ?? 15_000,
  });
  client.edge = undefined;
  client.region = undefined;
  client.api.baseUrl = config.apiUrl;
  const publicUrl = deps.publicUrl.replace(/\/+$/u, '');
  const live = new LiveLegs('twilio');

  return {
    name: 'twilio',

    async place(req: OutboundCallRequest): Promise<CarrierLeg> {
      live.assertOpen();
      const twiml = streamTwiml({ streamUrl: mediaStreamUrl(publicUrl), token: req.mediaToken, callId: req.callId });
      try {
        const call = await client.calls.create({
          to: req.toE164,
          from: config.from[req.lang] ?? config.from.default,
          twiml,
          statusCallback: `${publicUrl}${TWILIO_STATUS_PATH}`,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
          timeout: req.ringTimeoutSec,
          // Async AMD: the stream starts at once and the verdict comes to its own callback
          // (synchronous AMD would hold the greeting until it decides; TELEPHONY.md §6).
          ...(config.machineDetection
            ? { machineDetection: 'Enable', asyncAmd: 'true', asyncAmdStatusCallback: `${publicUrl}${TWILIO_AMD_PATH}` }
            : {}),
        });
        logger.info({ callId: req.callId, carrier: 'twilio', carrierCallId: call.sid }, 'twilio call created');
        const leg: CarrierLeg = { carrier: 'twilio', carrierCallId: call.sid };
        live.add(leg);
        return leg;
      } catch (err) {
        throw twilioError(err, 'create');
      }
    },

    async hangup(leg: CarrierLeg): Promise<void> {
      live.delete(leg);
      try {
        await client.calls(leg.carrierCallId).update({ status: 'completed' });
      } catch (err) {
        const mapped = twilioError(err, 'hangup');
        // An ended call is not an error; pipecat's serializer treats 20404 the same way (TELEPHONY.md §1.1).
        if (mapped.status === 404 || mapped.code === `twilio_${TWILIO_NOT_FOUND}`) return;
        throw mapped;
      }
    },

    async close(): Promise<void> {
      await Promise.allSettled(live.close().map((leg) => this.hangup(leg)));
    },
  };
}

/**
 * Maps what the helper throws to a TwilioCarrierError:
 * - RestException (Twilio answered): 429 and 5xx are retryable, other 4xx are not (bad number,
 *   auth, unverified caller ID); the code is `twilio_<Twilio error code>` or `twilio_http_<status>`.
 * - No answer at all: refused or unresolved connections never reached Twilio, so they are retryable;
 *   a timeout or a reset after the request was sent may have created the call, and Calls.json has
 *   no idempotency key, so those are NOT retryable (a retry could ring the customer twice; the
 *   retry policy books a new attempt instead).
 */
export function twilioError(err: unknown, op: 'create' | 'hangup'): TwilioCarrierError {
  const e = err as { status?: unknown; code?: unknown; message?: unknown };
  if (typeof e?.status === 'number') {
    const status = e.status;
    const code = typeof e.code === 'number' ? `twilio_${e.code}` : `twilio_http_${status}`;
    return new TwilioCarrierError(`twilio ${op} failed with HTTP ${status} (${code})`, {
      code,
      status,
      retryable: status === 429 || status >= 500,
      cause: err,
    });
  }
  const netCode = typeof e?.code === 'string' ? e.code : 'unknown';
  const neverSent = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(netCode);
  return new TwilioCarrierError(`twilio ${op} failed without an answer (${netCode})`, {
    code: neverSent ? 'twilio_unreachable' : 'twilio_outcome_unknown',
    status: null,
    retryable: neverSent || op === 'hangup',
    cause: err,
  });
}
