import { randomUUID } from 'node:crypto';
import type { CalleeStreamVendor } from '../../testing/fake-callee-stream';

const USER_ID = '3e6f995f-85f7-4705-9741-53b116d28237';

/**
 * Telnyx's media-stream framing for the fake callee (TELEPHONY.md §2.3): `connected`, then `start`
 * with `call_control_id`, `client_state` and `media_format`, snake_case, `stream_id` on every
 * message; what aizuchi sends needs no stream id. The dial's `stream_auth_token` is presented as
 * `Authorization: Bearer <token>` on the upgrade — Telnyx documents the field as "sent as part of
 * the WebSocket connection" without saying how (TELEPHONY.md §9, unverified): this is our reading.
 */
export function telnyxStreamVendor(opts: { call: string; body: Record<string, unknown> }): CalleeStreamVendor {
  const streamId = randomUUID();
  const token = opts.body.stream_auth_token;
  return {
    name: 'telnyx',
    headers: typeof token === 'string' ? { authorization: `Bearer ${token}` } : {},
    idFields: { stream_id: streamId },
    opening: (seq) => [
      { event: 'connected', version: '1.0.0' },
      {
        event: 'start',
        sequence_number: seq(),
        stream_id: streamId,
        start: {
          user_id: USER_ID,
          call_control_id: opts.call,
          call_session_id: randomUUID(),
          from: opts.body.from,
          to: opts.body.to,
          client_state: opts.body.client_state,
          media_format: { encoding: String(opts.body.stream_bidirectional_codec ?? 'PCMU'), sample_rate: 8000, channels: 1 },
        },
      },
    ],
    accepts: () => true,
    dtmf: (digit) => ({ event: 'dtmf', occurred_at: new Date().toISOString(), dtmf: { digit } }),
    stop: () => ({ event: 'stop', stop: { user_id: USER_ID, call_control_id: opts.call } }),
  };
}
