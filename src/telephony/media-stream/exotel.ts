import {
  type StreamEvent,
  type StreamStart,
  type VendorFraming,
  MediaStreamError,
  audioEvent,
  digitEvent,
  markEvent,
  numberAt,
  objectAt,
  parseJsonObject,
  stringAt,
  tokenFromParameters,
} from './framing';

/**
 * Exotel Voicebot/Stream applet, TELEPHONY.md §3.2: Twilio-like but snake_case, `stream_sid` on
 * every message, and the payload is raw 16-bit little-endian PCM (`audio/x-raw`, 8 kHz). The token
 * is the applet URL's custom parameter `token`, which arrives in `start.custom_parameters`.
 */

/** Exotel's start: `start.stream_sid`, `start.call_sid` and `start.account_sid` (§3.4). Null when not Exotel's. */
export function recogniseExotel(msg: Record<string, unknown>): StreamStart | MediaStreamError | null {
  const start = objectAt(msg, 'start');
  const streamSid = stringAt(start, 'stream_sid') ?? stringAt(msg, 'stream_sid');
  const callSid = stringAt(start, 'call_sid');
  if (msg.event !== 'start' || !streamSid || !callSid || !stringAt(start, 'account_sid')) return null;
  const format = objectAt(start, 'media_format');
  const encoding = stringAt(format, 'encoding') ?? 'audio/x-raw';
  const rate = numberAt(format, 'sample_rate') ?? 8000;
  const bits = numberAt(format, 'bit_rate') ?? 16;
  if (encoding !== 'audio/x-raw' || bits !== 16 || (rate !== 8000 && rate !== 16000)) {
    return new MediaStreamError(
      `Exotel streams must be audio/x-raw 16-bit at 8000/16000 Hz, got ${encoding} at ${rate}`,
      'unsupported_encoding',
    );
  }
  return {
    vendor: 'exotel',
    token: tokenFromParameters(start.custom_parameters),
    streamId: streamSid,
    carrierCallId: callSid,
    encoding: { codec: 'l16le', sampleRateHz: rate },
  };
}

export function exotelFraming(start: StreamStart): VendorFraming {
  const streamSid = start.streamId;
  return {
    start,
    outOfBandDtmf: true, // `dtmf` events
    parse(data, isBinary): StreamEvent {
      if (isBinary) return { type: 'bad', reason: 'Exotel sends text messages only' };
      const msg = parseJsonObject(data);
      if (!msg) return { type: 'bad', reason: 'not a JSON object' };
      switch (msg.event) {
        case 'media': {
          const media = objectAt(msg, 'media');
          return audioEvent(media.payload, numberAt(media, 'chunk'));
        }
        case 'dtmf':
          return digitEvent(objectAt(msg, 'dtmf').digit);
        case 'mark':
          return markEvent(objectAt(msg, 'mark').name);
        case 'stop':
          return { type: 'stop' };
        case 'connected':
        case 'start':
        case 'clear':
          return { type: 'ignored' };
        default:
          return { type: 'bad', reason: 'unknown event' };
      }
    },
    media: (payload) => JSON.stringify({ event: 'media', stream_sid: streamSid, media: { payload: payload.toString('base64') } }),
    mark: (name) => JSON.stringify({ event: 'mark', stream_sid: streamSid, mark: { name } }),
    clear: () => JSON.stringify({ event: 'clear', stream_sid: streamSid }),
  };
}
