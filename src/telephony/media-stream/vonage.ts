import { type StreamEvent, type StreamStart, type VendorFraming, MediaStreamError, digitEvent, parseJsonObject, stringAt } from './framing';

/**
 * Vonage Voice API `connect` → `websocket` endpoint, TELEPHONY.md §3.3: one text message
 * `websocket:connected` with the `content-type` and the custom `headers` of the NCCO as top-level
 * fields (so the token is `token`), then binary frames of raw 16-bit little-endian PCM, 20 ms each,
 * both ways. Keys come as `websocket:dtmf`; `{"action":"clear"}` flushes Vonage's ~60 s buffer.
 * Vonage has no marks: audio sent is taken as heard (we send in real time, so little is buffered).
 */

/** Vonage's first message: `event` is `websocket:connected` (§3.4). Null when not Vonage's. */
export function recogniseVonage(msg: Record<string, unknown>): StreamStart | MediaStreamError | null {
  if (msg.event !== 'websocket:connected') return null;
  const contentType = stringAt(msg, 'content-type') ?? '';
  const match = /^audio\/l16;\s*rate=(8000|16000|24000)$/i.exec(contentType);
  if (!match)
    return new MediaStreamError(`Vonage content-type must be audio/l16;rate=8000|16000|24000, got ${contentType}`, 'unsupported_encoding');
  return {
    vendor: 'vonage',
    token: stringAt(msg, 'token'),
    streamId: '',
    carrierCallId: null,
    encoding: { codec: 'l16le', sampleRateHz: Number(match[1]) },
  };
}

export function vonageFraming(start: StreamStart): VendorFraming {
  return {
    start,
    outOfBandDtmf: true, // `websocket:dtmf` events
    parse(data, isBinary): StreamEvent {
      if (isBinary) return data.length > 0 ? { type: 'audio', payload: data, seq: null } : { type: 'bad', reason: 'empty audio frame' };
      const msg = parseJsonObject(data);
      if (!msg) return { type: 'bad', reason: 'not a JSON object' };
      switch (msg.event) {
        case 'websocket:dtmf':
          return digitEvent(msg.digit);
        case 'websocket:cleared':
          return { type: 'cleared' };
        case 'websocket:connected':
        case 'websocket:notify':
          return { type: 'ignored' };
        default:
          return { type: 'bad', reason: 'unknown event' };
      }
    },
    media: (payload) => payload,
    mark: () => null,
    clear: () => JSON.stringify({ action: 'clear' }),
  };
}
