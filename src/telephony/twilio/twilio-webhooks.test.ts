import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallProgress, CarrierEvents, CarrierLeg, IncomingCall, IncomingCalls } from '../../channels/carrier';
import { twilioProgress } from './status-callback';
import { TWILIO_VOICE_PATH, callerE164, twilioWebhooks, verifyTwilioSignature } from './twilio-webhooks';

const TOKEN = 'webhook-test-auth-token';
const PUBLIC = 'https://aizuchi.example.com';
const CALL = `CA${'a'.repeat(32)}`;

let app: FastifyInstance | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

async function build(publicUrl = PUBLIC, incoming?: IncomingCalls) {
  const seen: Array<{ leg: CarrierLeg; p: CallProgress }> = [];
  const events: CarrierEvents = {
    async progress(leg, p) {
      seen.push({ leg, p });
    },
    async answered() {
      return { ok: false, reason: 'unknown' };
    },
  };
  app = Fastify();
  await app.register(formbody);
  await app.register(
    twilioWebhooks({ authToken: TOKEN, publicUrl, events, ...(incoming ? { incoming } : {}), logger: pino({ level: 'silent' }) }),
  );
  return { app, seen };
}

const form = (p: Record<string, string>) => new URLSearchParams(p).toString();
const sign = (url: string, p: Record<string, string>, token = TOKEN) => twilio.getExpectedTwilioSignature(token, url, p);

function post(a: FastifyInstance, path: string, params: Record<string, string>, signature?: string) {
  return a.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === undefined ? {} : { 'x-twilio-signature': signature }),
    },
    payload: form(params),
  });
}

describe('X-Twilio-Signature', () => {
  it("matches Twilio's published test vectors (TELEPHONY.md §1.6)", () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      true,
    );
    // The same request signed with :443 in the URL (proxies differ) is accepted too.
    expect(verifyTwilioSignature('12345', 'kvajT1Ptam85bY51eRf/AJRuM3w=', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe(
      true,
    );
    expect(verifyTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', 'https://mycompany.com/myapp.php?foo=1&bar=3', params)).toBe(
      false,
    );
    expect(verifyTwilioSignature('12345', undefined, 'https://mycompany.com/myapp.php', params)).toBe(false);
  });
});

describe('POST /telephony/twilio/status', () => {
  const answered = { AccountSid: `AC${'1'.repeat(32)}`, CallSid: CALL, CallStatus: 'in-progress', SequenceNumber: '2' };

  it('a callback signed over the public URL becomes progress for that CallSid', async () => {
    const { app: a, seen } = await build();
    const res = await post(a, '/telephony/twilio/status', answered, sign(`${PUBLIC}/telephony/twilio/status`, answered));
    expect(res.statusCode).toBe(204);
    expect(seen).toEqual([{ leg: { carrier: 'twilio', carrierCallId: CALL }, p: { kind: 'answered' } }]);
  });

  it('honours a path prefix in the public URL', async () => {
    const { app: a, seen } = await build('https://example.com/aizuchi/');
    const res = await post(a, '/telephony/twilio/status', answered, sign('https://example.com/aizuchi/telephony/twilio/status', answered));
    expect(res.statusCode).toBe(204);
    expect(seen).toHaveLength(1);
  });

  it('refuses unsigned, forged, tampered and other-URL callbacks with 403, and nothing changes', async () => {
    const { app: a, seen } = await build();
    const url = `${PUBLIC}/telephony/twilio/status`;
    const cases: Array<[string, Record<string, string>, string | undefined]> = [
      ['unsigned', answered, undefined],
      ['empty', answered, ''],
      ['forged with another token', answered, sign(url, answered, 'not-the-token')],
      ['tampered after signing', { ...answered, CallStatus: 'completed' }, sign(url, answered)],
      ['signed over the loopback URL it arrived on', answered, sign('http://127.0.0.1:3000/telephony/twilio/status', answered)],
      ['signed for the AMD route', answered, sign(`${PUBLIC}/telephony/twilio/amd`, answered)],
      ['garbage', answered, 'x'.repeat(500)],
    ];
    for (const [name, params, signature] of cases) {
      const res = await post(a, '/telephony/twilio/status', params, signature);
      expect(res.statusCode, name).toBe(403);
    }
    expect(seen).toEqual([]);
  });

  it('a signed callback with a malformed CallSid is a 400, not progress', async () => {
    const { app: a, seen } = await build();
    const bad = { ...answered, CallSid: '../../etc' };
    const res = await post(a, '/telephony/twilio/status', bad, sign(`${PUBLIC}/telephony/twilio/status`, bad));
    expect(res.statusCode).toBe(400);
    expect(seen).toEqual([]);
  });

  it('the AMD callback reports a machine; a human verdict reports nothing', async () => {
    const { app: a, seen } = await build();
    const url = `${PUBLIC}/telephony/twilio/amd`;
    const machine = { AccountSid: answered.AccountSid, CallSid: CALL, AnsweredBy: 'machine_start', MachineDetectionDuration: '2100' };
    const human = { ...machine, AnsweredBy: 'human' };
    expect((await post(a, '/telephony/twilio/amd', machine, sign(url, machine))).statusCode).toBe(204);
    expect((await post(a, '/telephony/twilio/amd', human, sign(url, human))).statusCode).toBe(204);
    expect(seen.map((s) => s.p)).toEqual([{ kind: 'machine', source: 'carrier_amd' }]);
  });
});

describe('twilioProgress', () => {
  it('maps every CallStatus and AnsweredBy Twilio documents', () => {
    expect(twilioProgress({ CallStatus: 'queued' })).toEqual([{ kind: 'initiated' }]);
    expect(twilioProgress({ CallStatus: 'initiated' })).toEqual([{ kind: 'initiated' }]);
    expect(twilioProgress({ CallStatus: 'ringing' })).toEqual([{ kind: 'ringing' }]);
    expect(twilioProgress({ CallStatus: 'in-progress', AnsweredBy: 'machine_end_beep' })).toEqual([
      { kind: 'answered' },
      { kind: 'machine', source: 'carrier_amd' },
    ]);
    expect(twilioProgress({ CallStatus: 'completed', AnsweredBy: 'fax' })).toEqual([
      { kind: 'machine', source: 'carrier_amd' },
      { kind: 'ended', result: 'completed' },
    ]);
    expect(twilioProgress({ CallStatus: 'busy', SipResponseCode: '486' })).toEqual([{ kind: 'ended', result: 'busy', sipCode: 486 }]);
    expect(twilioProgress({ CallStatus: 'no-answer' })).toEqual([{ kind: 'ended', result: 'no_answer' }]);
    expect(twilioProgress({ CallStatus: 'failed', SipResponseCode: '404' })).toEqual([{ kind: 'ended', result: 'failed', sipCode: 404 }]);
    expect(twilioProgress({ CallStatus: 'canceled' })).toEqual([{ kind: 'ended', result: 'cancelled' }]);
    expect(twilioProgress({ AnsweredBy: 'human' })).toEqual([]);
    expect(twilioProgress({ AnsweredBy: 'unknown' })).toEqual([]);
    expect(twilioProgress({ CallStatus: 'something-new' })).toEqual([]);
  });
});

describe('the incoming-call webhook (call-in, issue 8 §5)', () => {
  const params = { AccountSid: `AC${'1'.repeat(32)}`, CallSid: CALL, From: '+819012345678', To: '+815012340000', Direction: 'inbound' };
  const url = `${PUBLIC}${TWILIO_VOICE_PATH}`;

  it('answers a signed call with <Connect><Stream> and the token call-in issued for that CallSid and caller ID', async () => {
    const rung: IncomingCall[] = [];
    const { app: a } = await build(PUBLIC, { ring: async (call) => (rung.push(call), { token: 'tok-123' }) });
    const res = await post(a, TWILIO_VOICE_PATH, params, sign(url, params));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toContain('<Connect><Stream url="wss://aizuchi.example.com/telephony/media-stream">');
    expect(res.body).toContain('<Parameter name="token" value="tok-123"/>');
    expect(res.body).not.toContain(params.From);
    expect(rung).toEqual([{ leg: { carrier: 'twilio', carrierCallId: CALL }, from: '+819012345678', to: '+815012340000' }]);
  });

  it('refuses an unsigned or wrongly signed call with 403 before call-in hears of it, and rejects every call when call-in is off', async () => {
    const rung: IncomingCall[] = [];
    const { app: a } = await build(PUBLIC, { ring: async (call) => (rung.push(call), { token: 'tok' }) });
    expect((await post(a, TWILIO_VOICE_PATH, params)).statusCode).toBe(403);
    expect((await post(a, TWILIO_VOICE_PATH, params, sign(url, params, 'other-token'))).statusCode).toBe(403);
    expect(rung).toEqual([]);
    await a.close();
    const { app: off } = await build(PUBLIC);
    const res = await post(off, TWILIO_VOICE_PATH, params, sign(url, params));
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<Reject reason="rejected"/>');
    expect(res.body).not.toContain('<Stream');
  });

  it("a withheld or non-numeric caller ID is no number at all (Twilio's ANONYMOUS, BLOCKED, … placeholders)", () => {
    expect(callerE164('+819012345678')).toBe('+819012345678');
    for (const from of ['+266696687', '+2562533', 'anonymous', 'client:alice', '', undefined]) expect(callerE164(from)).toBeNull();
  });
});
