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
 * Twilio Media Streams, bidirectional (`<Connect><Stream>`), TELEPHONY.md §1.3–1.5: JSON text
 * messages, camelCase, `streamSid` on every message, μ-law 8 kHz only. The token is the
 * `<Parameter name="token">` that arrives in `start.customParameters`.
 */

/** Twilio's start: `start.streamSid` and `start.callSid` (§3.4). Null when the message is not Twilio's. */
export function recogniseTwilio(msg: Record<string, unknown>): StreamStart | MediaStreamError | null {
  const start = objectAt(msg, 'start');
  const streamSid = stringAt(start, 'streamSid');
  const callSid = stringAt(start, 'callSid');
  if (msg.event !== 'start' || !streamSid || !callSid) return null;
  const format = objectAt(start, 'mediaFormat');
  const encoding = stringAt(format, 'encoding') ?? 'audio/x-mulaw';
  const rate = numberAt(format, 'sampleRate') ?? 8000;
  if (encoding !== 'audio/x-mulaw' || rate !== 8000) {
    return new MediaStreamError(`Twilio streams are audio/x-mulaw at 8000 Hz, got ${encoding} at ${rate}`, 'unsupported_encoding');
  }
  return {
    vendor: 'twilio',
    token: tokenFromParameters(start.customParameters),
    streamId: streamSid,
    carrierCallId: callSid,
    encoding: { codec: 'mulaw', sampleRateHz: 8000 },
  };
}

export function twilioFraming(start: StreamStart): VendorFraming {
  const streamSid = start.streamId;
  return {
    start,
    outOfBandDtmf: true, // `dtmf` events (bidirectional streams only, §1.3)
    parse(data, isBinary): StreamEvent {
      if (isBinary) return { type: 'bad', reason: 'Twilio sends text messages only' };
      const msg = parseJsonObject(data);
      if (!msg) return { type: 'bad', reason: 'not a JSON object' };
      switch (msg.event) {
        case 'media': {
          const media = objectAt(msg, 'media');
          // both_tracks streams also carry our own audio back: only the caller's side is input.
          const track = stringAt(media, 'track');
          if (track !== null && track !== 'inbound' && track !== 'inbound_track') return { type: 'ignored' };
          // `chunk` counts audio messages only (sequenceNumber counts every message): it orders frames.
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
          return { type: 'ignored' };
        default:
          return { type: 'bad', reason: 'unknown event' };
      }
    },
    media: (payload) => JSON.stringify({ event: 'media', streamSid, media: { payload: payload.toString('base64') } }),
    mark: (name) => JSON.stringify({ event: 'mark', streamSid, mark: { name } }),
    clear: () => JSON.stringify({ event: 'clear', streamSid }),
  };
}
