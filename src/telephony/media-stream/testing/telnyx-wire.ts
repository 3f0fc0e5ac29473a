import type { PayloadEncoding } from '../framing';
import { jsonOf, payloadOf, type OutboundMessage, type VendorWire } from './vendor-wire';

export interface TelnyxWireOptions {
  readonly streamId?: string;
  readonly callControlId?: string;
  /** PCMU (default), PCMA or L16 as `media_format.encoding`. */
  readonly encoding?: 'PCMU' | 'PCMA' | 'L16';
  readonly sampleRateHz?: 8000 | 16000;
  /**
   * Where the token goes: `client_state` as base64 of the token (default), `custom_parameters`, or
   * `stream_auth_token`, which we read as the upgrade's `Authorization: Bearer` (client_state then
   * carries base64 `{"callId":…}`, as tel-telnyx dials).
   */
  readonly tokenIn?: 'client_state' | 'custom_parameters' | 'stream_auth_token';
}

const CODEC = { PCMU: 'mulaw', PCMA: 'alaw', L16: 'l16be' } as const;

/** Telnyx media streaming as Telnyx sends it (TELEPHONY.md §2.3): snake_case, `stream_id` on top. */
export function telnyxWire(opts: TelnyxWireOptions = {}): VendorWire {
  const streamId = opts.streamId ?? '32de0dea-53cb-4b21-89a4-9a1f4e7d0000';
  const callControlId = opts.callControlId ?? 'v3:abcdefghijklmnopqrstuvwxyz0123456789';
  const name = opts.encoding ?? 'PCMU';
  const encoding: PayloadEncoding = { codec: CODEC[name], sampleRateHz: opts.sampleRateHz ?? 8000 };
  let seq = 0;
  let chunk = 0;
  const next = () => String(++seq);
  return {
    vendor: 'telnyx',
    encoding,
    upgradeHeaders: (token): Record<string, string> =>
      opts.tokenIn === 'stream_auth_token' && token !== null ? { authorization: `Bearer ${token}` } : {},
    opening(token) {
      const inState = (opts.tokenIn ?? 'client_state') === 'client_state';
      const inParams = opts.tokenIn === 'custom_parameters';
      const state = inState ? token : opts.tokenIn === 'stream_auth_token' ? JSON.stringify({ callId: 'call-1' }) : null;
      return [
        JSON.stringify({ event: 'connected', version: '1.0.0' }),
        JSON.stringify({
          event: 'start',
          sequence_number: next(),
          stream_id: streamId,
          start: {
            user_id: '3e6f995f-85f7-4705-9741-53b116d28237',
            call_control_id: callControlId,
            call_session_id: 'ff55a038-1f9e-11ee-9d66-02420a0daa69',
            from: '+815012345678',
            to: '+819012345678',
            ...(state !== null ? { client_state: Buffer.from(state).toString('base64') } : {}),
            ...(token !== null && inParams ? { custom_parameters: [{ name: 'token', value: token }] } : {}),
            media_format: { encoding: name, sample_rate: encoding.sampleRateHz, channels: 1 },
          },
        }),
      ];
    },
    media(payload, at) {
      chunk = at ?? chunk + 1;
      return JSON.stringify({
        event: 'media',
        sequence_number: next(),
        stream_id: streamId,
        media: { track: 'inbound', chunk: String(chunk), timestamp: String(chunk * 20), payload: payload.toString('base64') },
      });
    },
    dtmf: (digit) =>
      JSON.stringify({
        event: 'dtmf',
        sequence_number: next(),
        stream_id: streamId,
        occurred_at: new Date(0).toISOString(),
        dtmf: { digit },
      }),
    stop: () => JSON.stringify({ event: 'stop', sequence_number: next(), stream_id: streamId, stop: { call_control_id: callControlId } }),
    markEcho: (markName) => JSON.stringify({ event: 'mark', sequence_number: next(), stream_id: streamId, mark: { name: markName } }),
    read(data, isBinary): OutboundMessage {
      if (isBinary) return { type: 'other', value: data };
      const msg = jsonOf(data);
      if (msg.event === 'media') return { type: 'media', payload: payloadOf(msg.media) };
      if (msg.event === 'mark') return { type: 'mark', name: String((msg.mark as { name?: unknown }).name) };
      if (msg.event === 'clear') return { type: 'clear' };
      return { type: 'other', value: msg };
    },
  };
}
