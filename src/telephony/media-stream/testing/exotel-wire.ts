import { jsonOf, payloadOf, type OutboundMessage, type VendorWire } from './vendor-wire';

/** Exotel's stream as Exotel sends it (TELEPHONY.md §3.2): snake_case, raw 16-bit PCM at 8 kHz, numbers as strings. */
export function exotelWire(opts: { streamSid?: string; callSid?: string } = {}): VendorWire {
  const streamSid = opts.streamSid ?? 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
  const callSid = opts.callSid ?? 'f0e1d2c3b4a5968778695a4b3c2d1e0f';
  let seq = 0;
  let chunk = 0;
  const next = () => String(++seq);
  return {
    vendor: 'exotel',
    encoding: { codec: 'l16le', sampleRateHz: 8000 },
    opening(token) {
      return [
        JSON.stringify({ event: 'connected' }),
        JSON.stringify({
          event: 'start',
          sequence_number: next(),
          stream_sid: streamSid,
          start: {
            stream_sid: streamSid,
            call_sid: callSid,
            account_sid: 'exotel-account',
            from: '09012345678',
            to: '05012345678',
            custom_parameters: token === null ? {} : { token },
            media_format: { encoding: 'audio/x-raw', sample_rate: '8000', bit_rate: '16' },
          },
        }),
      ];
    },
    media(payload, at) {
      chunk = at ?? chunk + 1;
      return JSON.stringify({
        event: 'media',
        sequence_number: next(),
        stream_sid: streamSid,
        media: { chunk: String(chunk), timestamp: String(chunk * 20), payload: payload.toString('base64') },
      });
    },
    dtmf: (digit) => JSON.stringify({ event: 'dtmf', sequence_number: next(), stream_sid: streamSid, dtmf: { duration: '120', digit } }),
    stop: () =>
      JSON.stringify({ event: 'stop', sequence_number: next(), stream_sid: streamSid, stop: { call_sid: callSid, reason: 'callended' } }),
    markEcho: (name) => JSON.stringify({ event: 'mark', sequence_number: next(), stream_sid: streamSid, mark: { name } }),
    read(data, isBinary): OutboundMessage {
      if (isBinary) return { type: 'other', value: data };
      const msg = jsonOf(data);
      if (msg.stream_sid !== streamSid) return { type: 'other', value: msg };
      if (msg.event === 'media') return { type: 'media', payload: payloadOf(msg.media) };
      if (msg.event === 'mark') return { type: 'mark', name: String((msg.mark as { name?: unknown }).name) };
      if (msg.event === 'clear') return { type: 'clear' };
      return { type: 'other', value: msg };
    },
  };
}
