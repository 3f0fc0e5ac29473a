import {
  type PayloadEncoding,
  type StreamEvent,
  type StreamStart,
  type VendorFraming,
  MediaStreamError,
  audioEvent,
  decodeBase64,
  digitEvent,
  isObject,
  markEvent,
  numberAt,
  objectAt,
  parseJsonObject,
  stringAt,
  tokenFromParameters,
} from './framing';

/**
 * Telnyx media streaming (Call Control v2), TELEPHONY.md §2.3: snake_case, `stream_id` at the top,
 * the payload is the RTP payload in the call's codec (`start.media_format`), frames may arrive out
 * of order (`sequence_number`). Outbound messages need no stream id. The token travels in
 * `client_state` (base64 of the token, or of `{"token": …}`) or in `start.custom_parameters`.
 */

const CODECS: Record<string, PayloadEncoding['codec']> = { PCMU: 'mulaw', PCMA: 'alaw', L16: 'l16be' };

function tokenFromClientState(value: unknown): string | null {
  const bytes = decodeBase64(value);
  if (!bytes) return null;
  const text = bytes.toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text);
    if (isObject(parsed)) return stringAt(parsed, 'token');
  } catch {
    // not JSON: the state is the token itself
  }
  return text.length > 0 && !/[\s\u0000-\u001f]/.test(text) ? text : null;
}

/** Telnyx's start: top-level `stream_id` and `start.call_control_id` (§3.4). Null when the message is not Telnyx's. */
export function recogniseTelnyx(msg: Record<string, unknown>): StreamStart | MediaStreamError | null {
  const start = objectAt(msg, 'start');
  const streamId = stringAt(msg, 'stream_id');
  const callControlId = stringAt(start, 'call_control_id');
  if (msg.event !== 'start' || !streamId || !callControlId) return null;
  const format = objectAt(start, 'media_format');
  const name = stringAt(format, 'encoding') ?? 'PCMU';
  const codec = CODECS[name];
  const rate = numberAt(format, 'sample_rate') ?? 8000;
  if (!codec || (codec !== 'l16be' && rate !== 8000) || ![8000, 16000].includes(rate)) {
    return new MediaStreamError(
      `Telnyx stream codec ${name} at ${rate} Hz is not supported (PCMU, PCMA at 8000 Hz; L16 at 8000/16000 Hz)`,
      'unsupported_encoding',
    );
  }
  return {
    vendor: 'telnyx',
    token: tokenFromParameters(start.custom_parameters) ?? tokenFromClientState(start.client_state),
    streamId,
    carrierCallId: callControlId,
    encoding: { codec, sampleRateHz: rate },
  };
}

export function telnyxFraming(start: StreamStart): VendorFraming {
  return {
    start,
    outOfBandDtmf: true, // `dtmf` events
    parse(data, isBinary): StreamEvent {
      if (isBinary) return { type: 'bad', reason: 'Telnyx sends text messages only' };
      const msg = parseJsonObject(data);
      if (!msg) return { type: 'bad', reason: 'not a JSON object' };
      switch (msg.event) {
        case 'media': {
          const media = objectAt(msg, 'media');
          const track = stringAt(media, 'track');
          if (track !== null && track !== 'inbound') return { type: 'ignored' };
          // Frame order is not guaranteed (§2.3): `chunk` counts audio messages, so the channel reorders by it.
          return audioEvent(media.payload, numberAt(media, 'chunk'));
        }
        case 'dtmf':
          return digitEvent(objectAt(msg, 'dtmf').digit);
        case 'mark':
          return markEvent(objectAt(msg, 'mark').name);
        case 'stop':
          return { type: 'stop' };
        // Telnyx reports our own malformed frames as `error` (100003 …): a notice, not input.
        case 'error':
        case 'connected':
        case 'start':
          return { type: 'ignored' };
        default:
          return { type: 'bad', reason: 'unknown event' };
      }
    },
    media: (payload) => JSON.stringify({ event: 'media', media: { payload: payload.toString('base64') } }),
    mark: (name) => JSON.stringify({ event: 'mark', mark: { name } }),
    clear: () => JSON.stringify({ event: 'clear' }),
  };
}
