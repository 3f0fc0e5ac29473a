import type { CarrierEvents, CarrierLeg } from '../../channels/carrier';
import { errorFields } from '../../domain/errors';
import type { Logger } from '../../observability/logger';
import { detectStream } from './detect';
import type { StreamStart } from './framing';
import { createMediaStreamChannel, type MediaStreamChannel, type MediaStreamChannelOptions } from './media-stream-channel';
import type { MediaStreamSocket } from './media-stream-socket';

/** WebSocket close codes the endpoint uses (4000–4999 are the application's, RFC 6455 §7.4.2). */
export const MEDIA_STREAM_CLOSE = {
  /** The first messages are no vendor's start, are malformed, or name an unsupported codec. */
  unrecognised: 4400,
  /** No token in the stream's custom parameters, or CarrierEvents.answered refused it (unknown, used, expired). */
  tokenRefused: 4401,
  /** No decisive start within the deadline. */
  startTimeout: 4408,
  /** The upgrade request failed the vendor's own check (a Twilio stream not signed with our account's token). */
  upgradeRefused: 4403,
  /** CarrierEvents.answered failed: our fault, the carrier may retry the call. */
  serverError: 1011,
} as const;

export interface MediaStreamEndpointOptions {
  readonly events: CarrierEvents;
  readonly logger?: Logger;
  /** How long a new socket may take to send its decisive start (default 5000 ms). */
  readonly startTimeoutMs?: number;
  readonly channel?: MediaStreamChannelOptions;
  /**
   * Checks the upgrade request once the vendor is known, before the token is looked at (Twilio's
   * `X-Twilio-Signature`, when a Twilio account is configured). False closes the socket with 4403.
   */
  readonly verifyUpgrade?: (vendor: StreamStart['vendor'], upgrade: StreamUpgrade) => boolean;
  /** Every channel whose token was accepted (metrics, benchmark, tests). */
  readonly onAccepted?: (channel: MediaStreamChannel, callId: string) => void;
}

/** What the WebSocket upgrade request said, beyond the path. */
export interface StreamUpgrade {
  /**
   * `Authorization: Bearer <token>` of the upgrade: how we read Telnyx's `stream_auth_token` being
   * "sent as part of the WebSocket connection" (TELEPHONY.md §9, unverified; tel-telnyx's dial puts
   * the media token there). Taken for Telnyx streams only.
   */
  readonly bearerToken?: string;
  /** `X-Twilio-Signature` of the upgrade: Twilio signs the stream URL with the account's auth token (TELEPHONY.md §1.3). */
  readonly twilioSignature?: string;
}

/** The carrier leg a stream names, for correlation only: Plivo, Exotel and Vonage place no calls for us. */
function legOf(start: StreamStart): CarrierLeg | null {
  if ((start.vendor === 'twilio' || start.vendor === 'telnyx') && start.carrierCallId) {
    return { carrier: start.vendor, carrierCallId: start.carrierCallId };
  }
  return null;
}

/**
 * Runs one connection to `GET /telephony/media-stream`. Contract, for whoever points a stream here:
 * 1. The first message(s) must be a vendor's opening (TELEPHONY.md §3.4): Twilio/Telnyx/Exotel
 *    `connected` then `start`; Plivo `start`; Vonage `websocket:connected`. Anything else, or a
 *    codec we do not decode, closes with 4400 and a reason; no start within `startTimeoutMs`, 4408.
 * 2. The start must carry the call's single-use token: Twilio `start.customParameters.token`, Telnyx
 *    `start.custom_parameters`, `start.client_state` (base64 of the token or of `{"token":…}`) or the
 *    upgrade's `Authorization: Bearer` (`stream_auth_token`),
 *    Plivo `extra_headers` `token=…`, Exotel `start.custom_parameters.token`, Vonage the `token`
 *    header of the websocket endpoint. None, or one `events.answered` refuses (unknown, used,
 *    expired): 4401, before any caller audio is delivered. The token is never logged.
 * 3. Then the stream is a MediaStreamChannel: audio, digits and marks flow until either side closes;
 *    the vendor's `stop` (or the socket closing) is the caller hanging up.
 * Ids in the stream (CallSid, stream ids) are used for correlation only, never to find a call.
 */
export function acceptMediaStream(socket: MediaStreamSocket, opts: MediaStreamEndpointOptions, upgrade: StreamUpgrade = {}): void {
  const log = opts.logger?.child({ component: 'media-stream' });
  let channel: MediaStreamChannel | null = null;
  let greeted = false;
  let done = false;

  const refuse = (code: number, reason: string) => {
    done = true;
    clearTimeout(deadline);
    socket.close(code, reason);
  };
  const deadline = setTimeout(() => {
    log?.warn('media stream sent no start in time');
    refuse(MEDIA_STREAM_CLOSE.startTimeout, 'start_timeout');
  }, opts.startTimeoutMs ?? 5000);
  deadline.unref?.();
  socket.onClose(() => {
    done = true;
    clearTimeout(deadline);
  });

  socket.onMessage((data, isBinary) => {
    if (channel) return channel.receive(data, isBinary);
    if (done) return;
    const detection = detectStream(data, isBinary, greeted);
    if (detection.kind === 'more') {
      greeted = true;
      return;
    }
    if (detection.kind === 'refused') {
      log?.warn({ code: detection.error.code }, 'media stream refused at its opening');
      return refuse(MEDIA_STREAM_CLOSE.unrecognised, detection.error.code);
    }
    clearTimeout(deadline);
    const { framing } = detection;
    const start = framing.start;
    const accepted = createMediaStreamChannel(socket, framing, opts.channel);
    channel = accepted;
    if (opts.verifyUpgrade && !opts.verifyUpgrade(start.vendor, upgrade)) {
      log?.warn({ vendor: start.vendor }, 'media stream upgrade not signed by the carrier: refused');
      return accepted.refuse(MEDIA_STREAM_CLOSE.upgradeRefused, 'upgrade_refused');
    }
    const token = start.token ?? (start.vendor === 'telnyx' ? (upgrade.bearerToken ?? null) : null);
    if (!token) {
      log?.warn({ vendor: start.vendor }, 'media stream without a token refused');
      return accepted.refuse(MEDIA_STREAM_CLOSE.tokenRefused, 'token_missing');
    }
    opts.events.answered(token, accepted, legOf(start)).then(
      (answer) => {
        if (!answer.ok) {
          log?.warn({ vendor: start.vendor, reason: answer.reason }, 'media stream token refused');
          return accepted.refuse(MEDIA_STREAM_CLOSE.tokenRefused, `token_${answer.reason}`);
        }
        log?.info({ vendor: start.vendor, callId: answer.callId }, 'media stream connected');
        accepted.release();
        opts.onAccepted?.(accepted, answer.callId);
      },
      (err: unknown) => {
        log?.error(errorFields(err), 'media stream could not be attached to its call');
        accepted.refuse(MEDIA_STREAM_CLOSE.serverError, 'server_error');
      },
    );
  });
}
