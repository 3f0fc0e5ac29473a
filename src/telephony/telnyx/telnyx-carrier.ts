import Telnyx, { APIConnectionTimeoutError, APIError } from 'telnyx';
import type { Carrier, CarrierLeg, OutboundCallRequest } from '../../channels/carrier';
import type { TelnyxConfig } from '../../config';
import { AizuchiError } from '../../domain/errors';
import type { Logger } from '../../observability/logger';
import { LiveLegs } from '../live-legs';
import { mediaStreamUrl } from '../public-urls';

/** Where Telnyx posts Call Control webhooks for the calls we dial, under AIZUCHI_PUBLIC_URL. */
export const TELNYX_WEBHOOK_PATH = '/telephony/telnyx/webhook';

/** Telnyx error 90018 "Call has already ended": a command on a call that hung up. */
const CALL_ALREADY_ENDED = '90018';

/** Telnyx refused a request or could not be reached. `retryable` says whether the same request may be sent again. */
export class TelnyxCarrierError extends AizuchiError {
  readonly status: number | null;
  constructor(message: string, opts: { code: string; retryable: boolean; status: number | null; cause?: unknown }) {
    super(message, { code: opts.code, retryable: opts.retryable, cause: opts.cause });
    this.status = opts.status;
  }
}

export interface TelnyxCarrierDeps {
  config: TelnyxConfig;
  publicUrl: string;
  logger: Logger;
  /** REST timeout in ms (default 15 000). */
  requestTimeoutMs?: number;
}

/**
 * What aizuchi puts in `client_state`, which Telnyx echoes in every webhook and in the stream's
 * `start`: base64 of `{"callId": …}` — a correlation id, nothing secret (Telnyx shows webhook
 * bodies in its portal logs).
 */
export function encodeClientState(callId: string): string {
  return Buffer.from(JSON.stringify({ callId })).toString('base64');
}

/**
 * The Telnyx carrier (Call Control v2, TELEPHONY.md §2): `place` dials with a bidirectional media
 * stream to aizuchi's media-stream endpoint (RTP mode, PCMU at 8 kHz both ways, the callee's
 * track), AMD when enabled, `webhook_url` = /telephony/telnyx/webhook, and `command_id` = our
 * call id so a repeated dial for the same attempt is ignored by Telnyx (hence timeouts are
 * retryable here, unlike Twilio). The per-call media token goes in `stream_auth_token`, the field
 * Telnyx provides for authenticating the stream — not in the stream URL and not in
 * `client_state`, which every webhook repeats. `hangup` is the hangup action (an ended call is fine).
 *
 * Uses the official `telnyx` SDK; its `baseURL` option points it at AIZUCHI_TELNYX_API_URL.
 */
export function createTelnyxCarrier(deps: TelnyxCarrierDeps): Carrier {
  const { config, logger } = deps;
  const client = new Telnyx({
    apiKey: config.apiKey,
    publicKey: config.publicKey,
    baseURL: config.apiUrl,
    // The outbound-call job owns retries.
    maxRetries: 0,
    timeout: deps.requestTimeoutMs ?? 15_000,
  });
  const publicUrl = deps.publicUrl.replace(/\/+$/u, '');
  const live = new LiveLegs('telnyx');

  return {
    name: 'telnyx',

    async place(req: OutboundCallRequest): Promise<CarrierLeg> {
      live.assertOpen();
      try {
        const res = await client.calls.dial({
          connection_id: config.connectionId,
          to: req.toE164,
          from: config.from[req.lang] ?? config.from.default,
          timeout_secs: req.ringTimeoutSec,
          webhook_url: `${publicUrl}${TELNYX_WEBHOOK_PATH}`,
          webhook_url_method: 'POST',
          client_state: encodeClientState(req.callId),
          command_id: req.callId,
          stream_url: mediaStreamUrl(publicUrl),
          stream_track: 'inbound_track',
          stream_bidirectional_mode: 'rtp',
          stream_bidirectional_codec: 'PCMU',
          stream_bidirectional_sampling_rate: 8000,
          stream_codec: 'PCMU',
          stream_auth_token: req.mediaToken,
          answering_machine_detection: config.machineDetection ? 'detect' : 'disabled',
        });
        const id = res.data?.call_control_id;
        if (!id)
          throw new TelnyxCarrierError('telnyx dial answered without a call_control_id', {
            code: 'telnyx_bad_response',
            retryable: false,
            status: null,
          });
        logger.info({ callId: req.callId, carrier: 'telnyx', carrierCallId: id }, 'telnyx call dialled');
        const leg: CarrierLeg = { carrier: 'telnyx', carrierCallId: id };
        live.add(leg);
        return leg;
      } catch (err) {
        throw telnyxError(err, 'dial');
      }
    },

    async hangup(leg: CarrierLeg): Promise<void> {
      live.delete(leg);
      try {
        await client.calls.actions.hangup(leg.carrierCallId, {});
      } catch (err) {
        const mapped = telnyxError(err, 'hangup');
        if (mapped.status === 404 || mapped.code === `telnyx_${CALL_ALREADY_ENDED}`) return;
        throw mapped;
      }
    },

    async close(): Promise<void> {
      await Promise.allSettled(live.close().map((leg) => this.hangup(leg)));
    },
  };
}

/**
 * Maps what the SDK throws to a TelnyxCarrierError: an HTTP answer is retryable for 429 and 5xx,
 * not for other 4xx (the code is `telnyx_<first errors[].code>` or `telnyx_http_<status>`); no
 * answer (refused, reset, timeout) is retryable because `command_id` makes a repeated dial a no-op.
 */
export function telnyxError(err: unknown, op: 'dial' | 'hangup'): TelnyxCarrierError {
  if (err instanceof TelnyxCarrierError) return err;
  if (err instanceof APIError && typeof err.status === 'number') {
    const body = err.error as { errors?: Array<{ code?: unknown }> } | undefined;
    const first = body?.errors?.[0]?.code;
    const code = typeof first === 'string' || typeof first === 'number' ? `telnyx_${first}` : `telnyx_http_${err.status}`;
    return new TelnyxCarrierError(`telnyx ${op} failed with HTTP ${err.status} (${code})`, {
      code,
      status: err.status,
      retryable: err.status === 429 || err.status >= 500,
      cause: err,
    });
  }
  const timeout = err instanceof APIConnectionTimeoutError;
  return new TelnyxCarrierError(`telnyx ${op} failed without an answer`, {
    code: timeout ? 'telnyx_timeout' : 'telnyx_unreachable',
    status: null,
    retryable: true,
    cause: err,
  });
}
