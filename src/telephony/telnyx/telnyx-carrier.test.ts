import { createServer } from 'node:net';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallProgress, CarrierEvents, CarrierLeg, OutboundCallRequest } from '../../channels/carrier';
import { type TelnyxConfig, loadConfig } from '../../config';
import { type FakeTelnyx, type FakeTelnyxCallee, startFakeTelnyx } from './testing/fake-telnyx-server';
import { createTelnyxCarrier } from './telnyx-carrier';
import { telnyxProgress } from './telnyx-events';
import { telnyxWebhooks } from './telnyx-webhooks';

const API_KEY = 'KEY0123456789ABCDEF_test';
const logger = pino({ level: 'silent' });

async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

interface Rig {
  app: FastifyInstance;
  fake: FakeTelnyx;
  publicUrl: string;
  config: TelnyxConfig;
  progress: Array<{ leg: CarrierLeg; p: CallProgress }>;
  streams: Array<{ authorization: string | undefined; start: Record<string, unknown> }>;
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.fake.close();
  await rig?.app.close();
  rig = null;
});

/** aizuchi as Telnyx sees it: the webhook route, and a media-stream socket that records the upgrade and `start`, then hangs up. */
async function start(callee?: (body: Record<string, unknown>) => FakeTelnyxCallee): Promise<Rig> {
  const fake = await startFakeTelnyx({ apiKey: API_KEY, callee });
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const progress: Rig['progress'] = [];
  const events: CarrierEvents = {
    async progress(leg, p) {
      progress.push({ leg, p });
    },
    async answered() {
      return { ok: false, reason: 'unknown' };
    },
  };
  const app = Fastify();
  await app.register(websocket);
  await app.register(telnyxWebhooks({ publicKey: fake.publicKey, events, logger }));
  const streams: Rig['streams'] = [];
  app.get('/telephony/media-stream', { websocket: true }, (socket, req) => {
    socket.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { event: string; start?: Record<string, unknown> };
      if (msg.event === 'start') {
        streams.push({ authorization: req.headers.authorization, start: msg.start! });
        socket.close(1000);
      }
    });
  });
  await app.listen({ port, host: '127.0.0.1' });
  const config: TelnyxConfig = {
    apiKey: API_KEY,
    connectionId: '1684641123236054244',
    from: { default: '+815012345678', en: '+12025550100' },
    publicKey: fake.publicKey,
    apiUrl: fake.apiUrl,
    machineDetection: true,
  };
  rig = { app, fake, publicUrl, config, progress, streams };
  return rig;
}

const req = (over: Partial<OutboundCallRequest> = {}): OutboundCallRequest => ({
  callId: 'call-7',
  toE164: '+819012345678',
  lang: 'ja',
  mediaToken: 'tok_telnyx-SECRET_1',
  ringTimeoutSec: 25,
  ...over,
});

describe('Telnyx carrier: dialling', () => {
  it('dials with the documented Call Control fields: bidirectional PCMU stream, AMD, webhook URL, command_id, and the token only in stream_auth_token', async () => {
    const r = await start(() => ({ kind: 'hold' }));
    const carrier = createTelnyxCarrier({ config: r.config, publicUrl: 'https://aizuchi.example.com', logger });
    const leg = await carrier.place(req());
    expect(leg).toEqual({ carrier: 'telnyx', carrierCallId: r.fake.calls[0]!.callControlId });
    const body = r.fake.calls[0]!.body;
    expect(body).toMatchObject({
      connection_id: '1684641123236054244',
      to: '+819012345678',
      from: '+815012345678',
      timeout_secs: 25,
      webhook_url: 'https://aizuchi.example.com/telephony/telnyx/webhook',
      command_id: 'call-7',
      stream_url: 'wss://aizuchi.example.com/telephony/media-stream',
      stream_track: 'inbound_track',
      stream_bidirectional_mode: 'rtp',
      stream_bidirectional_codec: 'PCMU',
      stream_bidirectional_sampling_rate: 8000,
      stream_auth_token: 'tok_telnyx-SECRET_1',
      answering_machine_detection: 'detect',
    });
    // client_state is a non-secret correlation: base64 of the call id only.
    expect(JSON.parse(Buffer.from(String(body.client_state), 'base64').toString('utf8'))).toEqual({ callId: 'call-7' });
    const { stream_auth_token: _token, ...rest } = body;
    expect(JSON.stringify(rest)).not.toContain('SECRET');
  });

  it('a repeated dial for the same attempt (same command_id) does not ring twice', async () => {
    const r = await start(() => ({ kind: 'hold' }));
    const carrier = createTelnyxCarrier({ config: r.config, publicUrl: 'https://a.example', logger });
    const first = await carrier.place(req());
    const again = await carrier.place(req());
    expect(again).toEqual(first);
    expect(r.fake.calls).toHaveLength(1);
  });

  it('maps refusals: 429/5xx retryable, 401 and 422 not; language caller ID; no AMD when off', async () => {
    const r = await start(() => ({ kind: 'hold' }));
    const carrier = createTelnyxCarrier({ config: { ...r.config, machineDetection: false }, publicUrl: 'https://a.example', logger });
    r.fake.failNextDial(429, '10011', 'Too many requests');
    expect(await carrier.place(req()).catch((e: unknown) => e)).toMatchObject({
      name: 'TelnyxCarrierError',
      code: 'telnyx_10011',
      retryable: true,
      status: 429,
    });
    r.fake.failNextDial(503, '10008', 'Service unavailable');
    expect(await carrier.place(req()).catch((e: unknown) => e)).toMatchObject({ retryable: true, status: 503 });
    expect(await carrier.place(req({ toE164: '0312345678', callId: 'c2' })).catch((e: unknown) => e)).toMatchObject({
      code: 'telnyx_10015',
      retryable: false,
      status: 422,
    });
    const wrongKey = createTelnyxCarrier({ config: { ...r.config, apiKey: 'nope' }, publicUrl: 'https://a.example', logger });
    expect(await wrongKey.place(req()).catch((e: unknown) => e)).toMatchObject({ code: 'telnyx_10009', retryable: false, status: 401 });
    await carrier.place(req({ lang: 'en', callId: 'c3', toE164: '+12025550123' }));
    expect(r.fake.calls[0]!.body).toMatchObject({ from: '+12025550100', answering_machine_detection: 'disabled' });
  });

  it('an unreachable API is retryable (command_id makes the repeat safe)', async () => {
    const r = await start();
    const carrier = createTelnyxCarrier({
      config: { ...r.config, apiUrl: `http://127.0.0.1:${await freePort()}/v2` },
      publicUrl: 'https://a.example',
      logger,
    });
    expect(await carrier.place(req()).catch((e: unknown) => e)).toMatchObject({ code: 'telnyx_unreachable', retryable: true });
  });

  it('hangup ends a ringing call, and resolves for an ended one (90018)', async () => {
    const r = await start(() => ({ kind: 'hold' }));
    const carrier = createTelnyxCarrier({ config: r.config, publicUrl: r.publicUrl, logger });
    const leg = await carrier.place(req());
    await carrier.hangup(leg);
    expect(await r.fake.calls[0]!.ended).toBe('originator_cancel');
    await expect(carrier.hangup(leg)).resolves.toBeUndefined();
  });
});

describe('Telnyx carrier with the fake Telnyx: signed webhooks and the stream', () => {
  it('an answered call reports initiated → answered → ended completed; the stream presents the token and the correlation', async () => {
    const r = await start(() => ({ kind: 'answer', amdResult: 'human' }));
    const carrier = createTelnyxCarrier({ config: r.config, publicUrl: r.publicUrl, logger });
    const leg = await carrier.place(req());
    expect(await r.fake.calls[0]!.ended).toBe('normal_clearing');
    expect(r.fake.calls[0]!.webhooks.map((w) => w.status)).toEqual([200, 200, 200, 200]);
    expect(r.progress.map((x) => x.p)).toEqual([
      { kind: 'initiated' },
      { kind: 'answered' },
      { kind: 'ended', result: 'completed', sipCode: 200 },
    ]);
    expect(r.progress.every((x) => x.leg.carrierCallId === leg.carrierCallId)).toBe(true);
    expect(r.streams).toHaveLength(1);
    expect(r.streams[0]!.authorization).toBe('Bearer tok_telnyx-SECRET_1');
    expect(r.streams[0]!.start).toMatchObject({
      call_control_id: leg.carrierCallId,
      media_format: { encoding: 'PCMU', sample_rate: 8000 },
    });
  });

  it('busy, no answer and a machine arrive as their progress', async () => {
    const kinds: FakeTelnyxCallee[] = [{ kind: 'busy' }, { kind: 'no-answer' }, { kind: 'answer', amdResult: 'machine' }];
    const r = await start(() => kinds.shift()!);
    const carrier = createTelnyxCarrier({ config: r.config, publicUrl: r.publicUrl, logger });
    const legs = [
      await carrier.place(req({ callId: 'a' })),
      await carrier.place(req({ callId: 'b' })),
      await carrier.place(req({ callId: 'c' })),
    ];
    await Promise.all(r.fake.calls.map((c) => c.ended));
    const of = (leg: CarrierLeg) => r.progress.filter((x) => x.leg.carrierCallId === leg.carrierCallId).map((x) => x.p);
    expect(of(legs[0]!).at(-1)).toEqual({ kind: 'ended', result: 'busy', sipCode: 486 });
    expect(of(legs[1]!).at(-1)).toEqual({ kind: 'ended', result: 'no_answer', sipCode: 487 });
    expect(of(legs[2]!)).toContainEqual({ kind: 'machine', source: 'carrier_amd' });
  });
});

describe('POST /telephony/telnyx/webhook: signatures', () => {
  const event = (type: string) =>
    JSON.stringify({
      data: { record_type: 'event', event_type: type, id: 'e1', payload: { call_control_id: 'v3:abc', client_state: 'e30=' } },
    });

  it('refuses unsigned, forged, tampered, replayed (> 5 min) and future-dated webhooks with 403, and nothing changes', async () => {
    const r = await start();
    const body = event('call.answered');
    const now = Math.floor(Date.now() / 1000);
    const other = await startFakeTelnyx({ apiKey: API_KEY });
    const cases: Array<[string, string, Record<string, string>]> = [
      ['unsigned', body, {}],
      ['signed by another key', body, other.signatureFor(body)],
      ['tampered after signing', event('call.hangup'), r.fake.signatureFor(body)],
      ['replayed 6 minutes later', body, r.fake.signatureFor(body, now - 360)],
      ['dated 6 minutes ahead', body, r.fake.signatureFor(body, now + 360)],
      ['timestamp changed', body, { ...r.fake.signatureFor(body, now), 'telnyx-timestamp': String(now - 1) }],
      ['garbage signature', body, { 'telnyx-signature-ed25519': 'not base64!', 'telnyx-timestamp': String(now) }],
    ];
    await other.close();
    for (const [name, payload, headers] of cases) {
      const res = await r.app.inject({
        method: 'POST',
        url: '/telephony/telnyx/webhook',
        headers: { 'content-type': 'application/json', ...headers },
        payload,
      });
      expect(res.statusCode, name).toBe(403);
    }
    expect(r.progress).toEqual([]);
    // The same body, signed now, is accepted — and a signed body that is not JSON is a 400.
    const ok = await r.app.inject({
      method: 'POST',
      url: '/telephony/telnyx/webhook',
      headers: { 'content-type': 'application/json', ...r.fake.signatureFor(body) },
      payload: body,
    });
    expect(ok.statusCode).toBe(200);
    expect(r.progress).toEqual([{ leg: { carrier: 'telnyx', carrierCallId: 'v3:abc' }, p: { kind: 'answered' } }]);
    const notJson = await r.app.inject({
      method: 'POST',
      url: '/telephony/telnyx/webhook',
      headers: { 'content-type': 'application/json', ...r.fake.signatureFor('{') },
      payload: '{',
    });
    expect(notJson.statusCode).toBe(400);
  });
});

describe('telnyxProgress', () => {
  const ev = (event_type: string, payload: Record<string, string> = {}) => ({
    event_type,
    payload: { call_control_id: 'v3:x', ...payload },
  });
  it('maps hangup causes and AMD results', () => {
    expect(telnyxProgress(ev('call.hangup', { hangup_cause: 'user_busy', sip_hangup_cause: '486' }))).toEqual([
      { kind: 'ended', result: 'busy', sipCode: 486 },
    ]);
    expect(telnyxProgress(ev('call.hangup', { hangup_cause: 'call_rejected' }))).toEqual([{ kind: 'ended', result: 'busy' }]);
    expect(telnyxProgress(ev('call.hangup', { hangup_cause: 'timeout' }))).toEqual([{ kind: 'ended', result: 'no_answer' }]);
    expect(telnyxProgress(ev('call.hangup', { hangup_cause: 'originator_cancel' }))).toEqual([{ kind: 'ended', result: 'cancelled' }]);
    expect(telnyxProgress(ev('call.hangup', { hangup_cause: 'not_found', sip_hangup_cause: '404' }))).toEqual([
      { kind: 'ended', result: 'failed', sipCode: 404 },
    ]);
    expect(telnyxProgress(ev('call.hangup', { hangup_cause: 'unspecified', sip_hangup_cause: 'unspecified' }))).toEqual([
      { kind: 'ended', result: 'failed' },
    ]);
    expect(telnyxProgress(ev('call.machine.detection.ended', { result: 'machine' }))).toEqual([{ kind: 'machine', source: 'carrier_amd' }]);
    expect(telnyxProgress(ev('call.machine.detection.ended', { result: 'human' }))).toEqual([]);
    expect(telnyxProgress(ev('call.machine.premium.detection.ended', { result: 'fax_detected' }))).toEqual([
      { kind: 'machine', source: 'carrier_amd' },
    ]);
    expect(telnyxProgress(ev('call.machine.premium.detection.ended', { result: 'human_business' }))).toEqual([]);
    expect(telnyxProgress(ev('call.machine.greeting.ended', { result: 'beep_detected' }))).toEqual([
      { kind: 'machine', source: 'carrier_amd' },
    ]);
    expect(telnyxProgress(ev('streaming.started'))).toEqual([]);
  });
});

describe('AIZUCHI_TELNYX_* configuration', () => {
  it('is off without an API key, and names what is missing when half set', async () => {
    expect(loadConfig({}).telnyx).toBeNull();
    expect(() => loadConfig({ AIZUCHI_TELNYX_API_KEY: API_KEY })).toThrow(
      /AIZUCHI_TELNYX_CONNECTION_ID, AIZUCHI_TELNYX_FROM, AIZUCHI_TELNYX_PUBLIC_KEY/,
    );
    expect(() => loadConfig({ AIZUCHI_TELNYX_PUBLIC_KEY: 'c2hvcnQ=' })).toThrow(
      /AIZUCHI_TELNYX_PUBLIC_KEY: expected the base64 Ed25519 public key/,
    );
    const c = loadConfig({
      AIZUCHI_TELNYX_API_KEY: API_KEY,
      AIZUCHI_TELNYX_CONNECTION_ID: '1684641123236054244',
      AIZUCHI_TELNYX_FROM: '+815012345678',
      AIZUCHI_TELNYX_PUBLIC_KEY: Buffer.alloc(32, 7).toString('base64'),
    }).telnyx;
    expect(c).toMatchObject({ apiUrl: 'https://api.telnyx.com/v2', machineDetection: true, from: { default: '+815012345678' } });
  });
});
