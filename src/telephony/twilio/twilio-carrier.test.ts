import { createServer } from 'node:net';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallProgress, CarrierEvents, CarrierLeg } from '../../channels/carrier';
import { loadConfig, type TwilioConfig } from '../../config';
import { type FakeCallee, type FakeTwilio, parseStreamTwiml, startFakeTwilio } from './testing/fake-twilio-server';
import { TwilioCarrierError, createTwilioCarrier } from './twilio-carrier';
import { twilioWebhooks } from './twilio-webhooks';
import { streamTwiml } from './twiml';

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'twilio-auth-token-for-tests';
const logger = pino({ level: 'silent' });

/** CarrierEvents that records what the webhooks report. */
function recordingEvents() {
  const progress: Array<{ leg: CarrierLeg; p: CallProgress }> = [];
  const events: CarrierEvents = {
    async progress(leg, p) {
      progress.push({ leg, p });
    },
    async answered() {
      return { ok: false, reason: 'unknown' };
    },
  };
  return { events, progress };
}

interface Rig {
  app: FastifyInstance;
  fake: FakeTwilio;
  publicUrl: string;
  progress: Array<{ leg: CarrierLeg; p: CallProgress }>;
  streams: Array<{ customParameters: Record<string, string>; signature: string | undefined }>;
  config: TwilioConfig;
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.fake.close();
  await rig?.app.close();
  rig = null;
});

async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/** aizuchi's side as far as Twilio sees it: the webhooks, and a media-stream socket that records the `start` and hangs up. */
async function start(callee?: (params: Record<string, string | string[]>) => FakeCallee, extra: Partial<TwilioConfig> = {}): Promise<Rig> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const app = Fastify();
  await app.register(formbody);
  await app.register(websocket);
  const { events, progress } = recordingEvents();
  await app.register(twilioWebhooks({ authToken: TOKEN, publicUrl, events, logger }));
  const streams: Rig['streams'] = [];
  app.get('/telephony/media-stream', { websocket: true }, (socket, req) => {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { event: string; start?: { customParameters: Record<string, string> } };
      if (msg.event === 'start') {
        streams.push({ customParameters: msg.start!.customParameters, signature: req.headers['x-twilio-signature'] as string | undefined });
        socket.close(1000);
      }
    });
  });
  await app.listen({ port, host: '127.0.0.1' });
  const fake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, callee });
  const config: TwilioConfig = {
    accountSid: SID,
    authToken: TOKEN,
    from: { default: '+815012345678', en: '+12025550100' },
    apiUrl: fake.apiUrl,
    machineDetection: true,
    ...extra,
  };
  rig = { app, fake, publicUrl, progress, streams, config };
  return rig;
}

const req = (over: Partial<Parameters<ReturnType<typeof createTwilioCarrier>['place']>[0]> = {}) => ({
  callId: 'call-1',
  toE164: '+819012345678',
  lang: 'ja' as const,
  mediaToken: 'tok_abc-DEF_123',
  ringTimeoutSec: 30,
  ...over,
});

describe('Twilio carrier: placing a call', () => {
  it('creates the call with the documented form fields, inline TwiML that streams with the token as a Parameter, and async AMD', async () => {
    const r = await start(() => ({ kind: 'hold' }));
    const carrier = createTwilioCarrier({ config: r.config, publicUrl: 'https://aizuchi.example.com', logger });
    const leg = await carrier.place(req());
    expect(leg.carrier).toBe('twilio');
    expect(leg.carrierCallId).toMatch(/^CA[0-9a-f]{32}$/);
    const call = r.fake.calls[0]!;
    expect(call.sid).toBe(leg.carrierCallId);
    expect(call.params).toMatchObject({
      To: '+819012345678',
      From: '+815012345678',
      StatusCallback: 'https://aizuchi.example.com/telephony/twilio/status',
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      Timeout: '30',
      MachineDetection: 'Enable',
      AsyncAmd: 'true',
      AsyncAmdStatusCallback: 'https://aizuchi.example.com/telephony/twilio/amd',
    });
    expect(call.params.Url).toBeUndefined();
    expect(call.stream).toEqual({
      url: 'wss://aizuchi.example.com/telephony/media-stream',
      parameters: { token: 'tok_abc-DEF_123', callId: 'call-1' },
    });
    // The token is never in a URL Twilio logs.
    expect(String(call.params.StatusCallback)).not.toContain('tok_');
  });

  it('uses the caller ID of the case language when one is set, the default otherwise, and no AMD when it is off', async () => {
    const r = await start(() => ({ kind: 'hold' }), { machineDetection: false });
    const carrier = createTwilioCarrier({ config: r.config, publicUrl: 'https://aizuchi.example.com/base/', logger });
    await carrier.place(req({ lang: 'en', toE164: '+12025550123' }));
    const call = r.fake.calls[0]!;
    expect(call.params.From).toBe('+12025550100');
    expect(call.params.MachineDetection).toBeUndefined();
    expect(call.params.StatusCallback).toBe('https://aizuchi.example.com/base/telephony/twilio/status');
    expect(call.stream?.url).toBe('wss://aizuchi.example.com/base/telephony/media-stream');
  });

  it('XML-escapes parameter values, so a value with quotes and brackets arrives intact and adds no elements', () => {
    const twiml = streamTwiml({ streamUrl: 'wss://h/telephony/media-stream', token: 'a"/><Hangup/><x y="&', callId: "c'1" });
    expect(twiml).not.toContain('<Hangup/>');
    expect(parseStreamTwiml(twiml)?.parameters).toEqual({ token: 'a"/><Hangup/><x y="&', callId: "c'1" });
  });

  it('maps refusals: 429 and 5xx retryable; 401, 400 (21211) not; a dropped answer is not retryable (the call may exist)', async () => {
    const r = await start(() => ({ kind: 'hold' }));
    const carrier = createTwilioCarrier({ config: r.config, publicUrl: 'https://a.example', logger });
    const failure = async () =>
      carrier.place(req()).then(
        () => null,
        (e: unknown) => e as TwilioCarrierError,
      );

    r.fake.failNextCreate(429, 20429, 'Too Many Requests');
    expect(await failure()).toMatchObject({ name: 'TwilioCarrierError', code: 'twilio_20429', retryable: true, status: 429 });
    r.fake.failNextCreate(503, 20503, 'Service unavailable');
    expect(await failure()).toMatchObject({ retryable: true, status: 503 });
    expect(await carrier.place(req({ toE164: '12345' })).catch((e: unknown) => e)).toMatchObject({
      code: 'twilio_21211',
      retryable: false,
    });
    r.fake.dropNextCreate();
    expect(await failure()).toMatchObject({ code: 'twilio_outcome_unknown', retryable: false });

    const wrongToken = createTwilioCarrier({ config: { ...r.config, authToken: 'wrong' }, publicUrl: 'https://a.example', logger });
    expect(await wrongToken.place(req()).catch((e: unknown) => e)).toMatchObject({ code: 'twilio_20003', retryable: false, status: 401 });
    expect(r.fake.calls).toHaveLength(0);
  });

  it('a refused connection (nothing listening) is retryable: the request never reached Twilio', async () => {
    const port = await freePort();
    const carrier = createTwilioCarrier({
      config: {
        accountSid: SID,
        authToken: TOKEN,
        from: { default: '+815012345678' },
        apiUrl: `http://127.0.0.1:${port}`,
        machineDetection: false,
      },
      publicUrl: 'https://a.example',
      logger,
    });
    expect(await carrier.place(req()).catch((e: unknown) => e)).toMatchObject({ code: 'twilio_unreachable', retryable: true });
  });

  it('hangup ends a live call and resolves for a call that is already gone (20404)', async () => {
    const r = await start(() => ({ kind: 'hold' }));
    const carrier = createTwilioCarrier({ config: r.config, publicUrl: r.publicUrl, logger });
    const leg = await carrier.place(req());
    await carrier.hangup(leg);
    expect(await r.fake.calls[0]!.ended).toBe('canceled');
    await expect(carrier.hangup(leg)).resolves.toBeUndefined();
    await expect(carrier.hangup({ carrier: 'twilio', carrierCallId: `CA${'0'.repeat(32)}` })).resolves.toBeUndefined();
  });
});

describe('Twilio carrier with the fake Twilio: signed callbacks and the stream', () => {
  it('an answered call reports initiated → ringing → answered → completed, and the stream carries the token', async () => {
    const r = await start(() => ({ kind: 'answer', answeredBy: 'human' }));
    const carrier = createTwilioCarrier({ config: r.config, publicUrl: r.publicUrl, logger });
    const leg = await carrier.place(req());
    expect(await r.fake.calls[0]!.ended).toBe('completed');
    expect(r.streams).toHaveLength(1);
    expect(r.streams[0]!.customParameters).toEqual({ token: 'tok_abc-DEF_123', callId: 'call-1' });
    expect(r.streams[0]!.signature).toBeTruthy();
    expect(r.fake.calls[0]!.callbacks.every((c) => c.status === 204)).toBe(true);
    expect(r.progress.map((x) => x.p)).toEqual([
      { kind: 'initiated' },
      { kind: 'ringing' },
      { kind: 'answered' },
      { kind: 'ended', result: 'completed' },
    ]);
    expect(r.progress.every((x) => x.leg.carrierCallId === leg.carrierCallId && x.leg.carrier === 'twilio')).toBe(true);
  });

  it('busy, no answer and a voicemail (AnsweredBy=machine_start) arrive as their progress', async () => {
    const kinds: FakeCallee[] = [{ kind: 'busy' }, { kind: 'no-answer' }, { kind: 'answer', answeredBy: 'machine_start' }];
    const r = await start(() => kinds.shift()!);
    const carrier = createTwilioCarrier({ config: r.config, publicUrl: r.publicUrl, logger });
    const legs = [await carrier.place(req()), await carrier.place(req()), await carrier.place(req())];
    await Promise.all(r.fake.calls.map((c) => c.ended));
    const of = (leg: CarrierLeg) => r.progress.filter((x) => x.leg.carrierCallId === leg.carrierCallId).map((x) => x.p);
    expect(of(legs[0]!).at(-1)).toEqual({ kind: 'ended', result: 'busy', sipCode: 486 });
    expect(of(legs[1]!).at(-1)).toEqual({ kind: 'ended', result: 'no_answer', sipCode: 487 });
    expect(of(legs[2]!)).toContainEqual({ kind: 'machine', source: 'carrier_amd' });
  });
});

describe('AIZUCHI_TWILIO_* configuration', () => {
  const env = { AIZUCHI_TWILIO_ACCOUNT_SID: SID, AIZUCHI_TWILIO_AUTH_TOKEN: TOKEN, AIZUCHI_TWILIO_FROM: '+815012345678' };
  it('is off without an account SID, and names what is missing when half set', () => {
    expect(loadConfig({}).twilio).toBeNull();
    expect(() => loadConfig({ AIZUCHI_TWILIO_ACCOUNT_SID: SID })).toThrow(/AIZUCHI_TWILIO_AUTH_TOKEN, AIZUCHI_TWILIO_FROM/);
    expect(() => loadConfig({ ...env, AIZUCHI_TWILIO_FROM: '03-1234-5678' })).toThrow(/AIZUCHI_TWILIO_FROM: expected an E\.164 number/);
  });

  it('defaults to api.twilio.com, takes the Tokyo edge as api.tokyo.us1.twilio.com, and an explicit API URL over both', () => {
    expect(loadConfig(env).twilio).toMatchObject({
      apiUrl: 'https://api.twilio.com',
      machineDetection: true,
      from: { default: '+815012345678' },
    });
    expect(loadConfig({ ...env, AIZUCHI_TWILIO_EDGE: 'tokyo' }).twilio?.apiUrl).toBe('https://api.tokyo.us1.twilio.com');
    expect(loadConfig({ ...env, AIZUCHI_TWILIO_EDGE: 'tokyo', AIZUCHI_TWILIO_REGION: 'ie1' }).twilio?.apiUrl).toBe(
      'https://api.tokyo.ie1.twilio.com',
    );
    expect(loadConfig({ ...env, AIZUCHI_TWILIO_EDGE: 'tokyo', AIZUCHI_TWILIO_API_URL: 'http://127.0.0.1:9/' }).twilio?.apiUrl).toBe(
      'http://127.0.0.1:9',
    );
    expect(loadConfig({ ...env, AIZUCHI_TWILIO_FROM_EN: '+12025550100' }).twilio?.from).toEqual({
      default: '+815012345678',
      en: '+12025550100',
    });
  });
});
