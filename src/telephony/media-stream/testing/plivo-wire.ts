import { jsonOf, payloadOf, type OutboundMessage, type VendorWire } from './vendor-wire';

export interface PlivoWireOptions {
  readonly streamId?: string;
  readonly callId?: string;
  /** `contentType` of the `<Stream>` element: μ-law 8 kHz (default) or L16 at 8/16 kHz. */
  readonly contentType?: 'audio/x-mulaw;rate=8000' | 'audio/x-l16;rate=8000' | 'audio/x-l16;rate=16000';
  /** The `checkpoint` answer's event name: `playedStream` (default) or `played`. */
  readonly playedEvent?: 'playedStream' | 'played';
}

/** Plivo Audio Streaming as Plivo sends it (TELEPHONY.md §3.1): no `connected`, the token in `extra_headers`. */
export function plivoWire(opts: PlivoWireOptions = {}): VendorWire {
  const streamId = opts.streamId ?? '20170ada-f610-433b-8758-c02a2aab3662';
  const callId = opts.callId ?? 'ba8b8f56-4d87-4c4f-8bc6-0d0e0b0e0f0a';
  const [type = 'audio/x-mulaw', rateParam = 'rate=8000'] = (opts.contentType ?? 'audio/x-mulaw;rate=8000').split(';');
  const rate = Number(rateParam.slice(5));
  let seq = 0;
  let chunk = 0;
  return {
    vendor: 'plivo',
    encoding: { codec: type === 'audio/x-mulaw' ? 'mulaw' : 'l16le', sampleRateHz: rate },
    opening(token) {
      return [
        JSON.stringify({
          event: 'start',
          sequenceNumber: ++seq,
          start: {
            callId,
            streamId,
            accountId: 'MA00000000000000000',
            tracks: ['inbound'],
            mediaFormat: { encoding: type, sampleRate: rate },
          },
          extra_headers: token === null ? 'lang=ja' : `lang=ja,token=${token}`,
        }),
      ];
    },
    media(payload, at) {
      chunk = at ?? chunk + 1;
      return JSON.stringify({
        event: 'media',
        sequenceNumber: ++seq,
        streamId,
        media: { track: 'inbound', timestamp: String(chunk * 20), chunk: chunk, payload: payload.toString('base64') },
      });
    },
    dtmf: (digit) => JSON.stringify({ event: 'dtmf', sequenceNumber: ++seq, streamId, dtmf: { track: 'inbound', digit } }),
    stop: () => JSON.stringify({ event: 'stop', sequenceNumber: ++seq, streamId }),
    markEcho: (name) => JSON.stringify({ event: opts.playedEvent ?? 'playedStream', sequenceNumber: ++seq, streamId, name }),
    read(data, isBinary): OutboundMessage {
      if (isBinary) return { type: 'other', value: data };
      const msg = jsonOf(data);
      if (msg.event === 'playAudio') return { type: 'media', payload: payloadOf(msg.media) };
      if (msg.event === 'checkpoint' && msg.streamId === streamId) return { type: 'mark', name: String(msg.name) };
      if (msg.event === 'clearAudio' && msg.streamId === streamId) return { type: 'clear' };
      return { type: 'other', value: msg };
    },
  };
}
