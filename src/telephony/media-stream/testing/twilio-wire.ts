import { jsonOf, payloadOf, type OutboundMessage, type VendorWire } from './vendor-wire';

export interface TwilioWireOptions {
  readonly streamSid?: string;
  readonly callSid?: string;
  readonly accountSid?: string;
  /** More `<Parameter>`s beside the token. */
  readonly parameters?: Record<string, string>;
}

/** Twilio Media Streams as Twilio sends them (TELEPHONY.md §1.4): strings for numbers, camelCase. */
export function twilioWire(opts: TwilioWireOptions = {}): VendorWire {
  const streamSid = opts.streamSid ?? 'MZ00000000000000000000000000000001';
  const callSid = opts.callSid ?? 'CA00000000000000000000000000000001';
  const accountSid = opts.accountSid ?? 'AC00000000000000000000000000000001';
  let seq = 0;
  let chunk = 0;
  const next = () => String(++seq);
  return {
    vendor: 'twilio',
    encoding: { codec: 'mulaw', sampleRateHz: 8000 },
    opening(token) {
      const customParameters = { ...opts.parameters, ...(token === null ? {} : { token }) };
      return [
        JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }),
        JSON.stringify({
          event: 'start',
          sequenceNumber: next(),
          streamSid,
          start: {
            streamSid,
            accountSid,
            callSid,
            tracks: ['inbound'],
            customParameters,
            mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
          },
        }),
      ];
    },
    media(payload, at) {
      chunk = at ?? chunk + 1;
      const timestamp = String((chunk - 1) * 20);
      return JSON.stringify({
        event: 'media',
        sequenceNumber: next(),
        streamSid,
        media: { track: 'inbound', chunk: String(chunk), timestamp, payload: payload.toString('base64') },
      });
    },
    dtmf: (digit) => JSON.stringify({ event: 'dtmf', sequenceNumber: next(), streamSid, dtmf: { track: 'inbound_track', digit } }),
    stop: () => JSON.stringify({ event: 'stop', sequenceNumber: next(), streamSid, stop: { accountSid, callSid } }),
    markEcho: (name) => JSON.stringify({ event: 'mark', sequenceNumber: next(), streamSid, mark: { name } }),
    read(data, isBinary): OutboundMessage {
      if (isBinary) return { type: 'other', value: data };
      const msg = jsonOf(data);
      if (msg.streamSid !== streamSid) return { type: 'other', value: msg }; // Twilio: error 31924
      if (msg.event === 'media') return { type: 'media', payload: payloadOf(msg.media) };
      if (msg.event === 'mark') return { type: 'mark', name: String((msg.mark as { name?: unknown }).name) };
      if (msg.event === 'clear') return { type: 'clear' };
      return { type: 'other', value: msg };
    },
  };
}
