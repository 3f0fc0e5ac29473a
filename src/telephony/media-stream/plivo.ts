import {
  type PayloadEncoding,
  type StreamEvent,
  type StreamStart,
  type VendorFraming,
  MediaStreamError,
  audioEvent,
  digitEvent,
  isObject,
  markEvent,
  numberAt,
  objectAt,
  parseJsonObject,
  stringAt,
} from './framing';

/**
 * Plivo Audio Streaming (`<Stream bidirectional="true">`), TELEPHONY.md §3.1: no `connected`
 * message, camelCase, we answer with `playAudio`, `checkpoint` (echoed as `playedStream`, or
 * `played` in one support article) and `clearAudio` (acknowledged by `clearedAudio`). The token
 * travels in `extraHeaders` (`token=…`), which Plivo hands back as `extra_headers`.
 */

/** `extra_headers` as Plivo may give it: an object, a JSON object text, or `k=v,k=v` / `k=v;k=v`. */
function tokenFromExtraHeaders(value: unknown): string | null {
  if (isObject(value)) return stringAt(value, 'token');
  if (typeof value !== 'string' || value === '') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    if (isObject(parsed)) return stringAt(parsed, 'token');
  } catch {
    // not JSON: a list of pairs
  }
  for (const pair of value.split(/[,;]/)) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === 'token') return pair.slice(eq + 1).trim() || null;
  }
  return null;
}

function plivoEncoding(format: Record<string, unknown>): PayloadEncoding | null {
  // contentType arrives as "audio/x-mulaw" with sampleRate apart, or as one "audio/x-l16;rate=16000".
  const [type = 'audio/x-l16', ...params] = (stringAt(format, 'encoding') ?? 'audio/x-l16').split(';').map((p) => p.trim());
  const rateParam = params.find((p) => p.startsWith('rate='));
  const rate = rateParam ? Number(rateParam.slice(5)) : (numberAt(format, 'sampleRate') ?? 8000);
  if (type === 'audio/x-mulaw' && rate === 8000) return { codec: 'mulaw', sampleRateHz: 8000 };
  if (type === 'audio/x-l16' && (rate === 8000 || rate === 16000)) return { codec: 'l16le', sampleRateHz: rate };
  return null;
}

/** Plivo's start: `start.streamId` and `start.callId`, as the first message (§3.4). Null when not Plivo's. */
export function recognisePlivo(msg: Record<string, unknown>): StreamStart | MediaStreamError | null {
  const start = objectAt(msg, 'start');
  const streamId = stringAt(start, 'streamId');
  const callId = stringAt(start, 'callId');
  if (msg.event !== 'start' || !streamId || !callId) return null;
  const encoding = plivoEncoding(objectAt(start, 'mediaFormat'));
  if (!encoding) {
    return new MediaStreamError('Plivo streams must be audio/x-mulaw at 8000 Hz or audio/x-l16 at 8000/16000 Hz', 'unsupported_encoding');
  }
  return {
    vendor: 'plivo',
    token: tokenFromExtraHeaders(msg.extra_headers ?? start.extra_headers),
    streamId,
    carrierCallId: callId,
    encoding,
  };
}

export function plivoFraming(start: StreamStart): VendorFraming {
  const { streamId, encoding } = start;
  const contentType = encoding.codec === 'mulaw' ? 'audio/x-mulaw' : 'audio/x-l16';
  return {
    start,
    outOfBandDtmf: true, // `dtmf` events
    parse(data, isBinary): StreamEvent {
      if (isBinary) return { type: 'bad', reason: 'Plivo sends text messages only' };
      const msg = parseJsonObject(data);
      if (!msg) return { type: 'bad', reason: 'not a JSON object' };
      switch (msg.event) {
        case 'media': {
          const media = objectAt(msg, 'media');
          const track = stringAt(media, 'track');
          if (track !== null && track !== 'inbound') return { type: 'ignored' };
          return audioEvent(media.payload, numberAt(media, 'chunk'));
        }
        case 'dtmf':
          return digitEvent(objectAt(msg, 'dtmf').digit);
        case 'playedStream':
        case 'played':
          return markEvent(msg.name);
        case 'clearedAudio':
          return { type: 'cleared' };
        case 'stop':
          return { type: 'stop' };
        case 'start':
          return { type: 'ignored' };
        default:
          return { type: 'bad', reason: 'unknown event' };
      }
    },
    media: (payload) =>
      JSON.stringify({
        event: 'playAudio',
        streamId,
        media: { contentType, sampleRate: encoding.sampleRateHz, payload: payload.toString('base64') },
      }),
    mark: (name) => JSON.stringify({ event: 'checkpoint', streamId, name }),
    clear: () => JSON.stringify({ event: 'clearAudio', streamId }),
  };
}
