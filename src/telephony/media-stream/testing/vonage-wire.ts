import { jsonOf, type OutboundMessage, type VendorWire } from './vendor-wire';

/** Vonage's websocket endpoint as Vonage speaks it (TELEPHONY.md §3.3): one text greeting, then binary L16 frames. */
export function vonageWire(opts: { rateHz?: 8000 | 16000 } = {}): VendorWire {
  const rate = opts.rateHz ?? 16000;
  return {
    vendor: 'vonage',
    encoding: { codec: 'l16le', sampleRateHz: rate },
    opening(token) {
      // The NCCO's `headers` arrive as top-level fields of the first message.
      return [
        JSON.stringify({ event: 'websocket:connected', 'content-type': `audio/l16;rate=${rate}`, ...(token === null ? {} : { token }) }),
      ];
    },
    media: (payload) => payload,
    dtmf: (digit) => JSON.stringify({ event: 'websocket:dtmf', digit, duration: 260 }),
    stop: () => null,
    markEcho: () => null,
    read(data, isBinary): OutboundMessage {
      if (isBinary) return { type: 'media', payload: data };
      const msg = jsonOf(data);
      if (msg.action === 'clear') return { type: 'clear' };
      return { type: 'other', value: msg };
    },
  };
}
