import twilio from 'twilio';
import type { CalleeStreamVendor } from '../../testing/fake-callee-stream';

/**
 * Twilio's media-stream framing for the fake callee (TELEPHONY.md §1.4): the upgrade signed with
 * `X-Twilio-Signature` over the stream URL with no params (§1.3), `connected` then `start` with the
 * TwiML's `<Parameter>`s as `start.customParameters`, camelCase, `streamSid` on every message.
 */
export function twilioStreamVendor(opts: {
  url: string;
  authToken: string;
  accountSid: string;
  callSid: string;
  customParameters: Record<string, string>;
}): CalleeStreamVendor {
  const streamSid = `MZ${opts.callSid.slice(2)}`;
  return {
    name: 'twilio',
    headers: { 'x-twilio-signature': twilio.getExpectedTwilioSignature(opts.authToken, opts.url, {}) },
    idFields: { streamSid },
    opening: (seq) => [
      { event: 'connected', protocol: 'Call', version: '1.0.0' },
      {
        event: 'start',
        sequenceNumber: seq(),
        streamSid,
        start: {
          streamSid,
          accountSid: opts.accountSid,
          callSid: opts.callSid,
          tracks: ['inbound'],
          customParameters: opts.customParameters,
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        },
      },
    ],
    accepts: (msg) => msg.streamSid === streamSid,
    dtmf: (digit) => ({ event: 'dtmf', dtmf: { track: 'inbound_track', digit } }),
    stop: () => ({ event: 'stop', stop: { accountSid: opts.accountSid, callSid: opts.callSid } }),
  };
}
