import { Writable } from 'node:stream';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CarrierEvents } from '../../channels/carrier';
import type { AudioFrame } from '../../media/frame';
import { rms, sine } from '../../media/testing/signals';
import { createLogger } from '../../observability/logger';
import type { MediaStreamChannel } from '../../telephony/media-stream/media-stream-channel';
import { MEDIA_STREAM_CLOSE, type MediaStreamEndpointOptions } from '../../telephony/media-stream/media-stream-endpoint';
import { verifyTwilioSignature } from '../../telephony/twilio/twilio-webhooks';
import twilio from 'twilio';
import { exotelWire } from '../../telephony/media-stream/testing/exotel-wire';
import { plivoWire } from '../../telephony/media-stream/testing/plivo-wire';
import { telnyxWire } from '../../telephony/media-stream/testing/telnyx-wire';
import { TestCarrierEvents } from '../../telephony/media-stream/testing/test-carrier-events';
import { twilioWire } from '../../telephony/media-stream/testing/twilio-wire';
import type { VendorWire } from '../../telephony/media-stream/testing/vendor-wire';
import { vonageWire } from '../../telephony/media-stream/testing/vonage-wire';
import { connectCarrier, type WsCarrier } from '../../telephony/media-stream/testing/ws-carrier';
import { MEDIA_STREAM_PATH, mediaStreamPlugin } from './media-stream';

const TOKEN = 'mst_' + 'k'.repeat(40);

interface Server {
  app: FastifyInstance;
  url: string;
  events: TestCarrierEvents;
  accepted: MediaStreamChannel[];
  logged: string[];
}

let servers: Server[] = [];
let carriers: WsCarrier[] = [];

async function serve(
  opts: { events?: CarrierEvents; startTimeoutMs?: number; verifyUpgrade?: MediaStreamEndpointOptions['verifyUpgrade'] } = {},
): Promise<Server> {
  const logged: string[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logged.push(chunk.toString());
        done();
      },
    }),
  );
  const events = new TestCarrierEvents({ [TOKEN]: 'call-1' });
  const accepted: MediaStreamChannel[] = [];
  const app = Fastify();
  // The app's own limit (web/app.ts): ws closes larger frames with 1009 before we see them.
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(
    mediaStreamPlugin({
      events: opts.events ?? events,
      logger,
      startTimeoutMs: opts.startTimeoutMs ?? 5000,
      ...(opts.verifyUpgrade ? { verifyUpgrade: opts.verifyUpgrade } : {}),
      onAccepted: (channel) => accepted.push(channel),
    }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const server = { app, url: `ws://127.0.0.1:${port}${MEDIA_STREAM_PATH}`, events, accepted, logged };
  servers.push(server);
  return server;
}

async function connect(server: Server, wire: VendorWire, token: string | null = TOKEN): Promise<WsCarrier> {
  const carrier = await connectCarrier(server.url, wire, token);
  carriers.push(carrier);
  return carrier;
}

/** Waits until the endpoint accepted `count` channels (answered resolved). */
async function acceptedChannel(server: Server, count = 1): Promise<MediaStreamChannel> {
  for (let i = 0; i < 500 && server.accepted.length < count; i++) await new Promise((r) => setTimeout(r, 2));
  const channel = server.accepted[count - 1];
  if (!channel) throw new Error('no channel was accepted');
  return channel;
}

function collect(channel: AudioChannel) {
  const frames: AudioFrame[] = [];
  const digits: string[] = [];
  const closes: string[] = [];
  channel.onFrame((f) => frames.push(f));
  channel.onDtmf((d) => digits.push(d));
  channel.onClose((r) => closes.push(r));
  return { frames, digits, closes };
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`never happened: ${what}`);
}

afterEach(async () => {
  for (const c of carriers) c.socket.terminate();
  for (const s of servers) await s.app.close();
  carriers = [];
  servers = [];
});

const VENDORS: Array<{ name: string; wire: () => VendorWire; rate: number; bytesPerFrame: number; leg: 'twilio' | 'telnyx' | null }> = [
  { name: 'Twilio', wire: () => twilioWire(), rate: 8000, bytesPerFrame: 160, leg: 'twilio' },
  { name: 'Telnyx', wire: () => telnyxWire(), rate: 8000, bytesPerFrame: 160, leg: 'telnyx' },
  {
    name: 'Telnyx PCMA, token in custom_parameters',
    wire: () => telnyxWire({ encoding: 'PCMA', tokenIn: 'custom_parameters' }),
    rate: 8000,
    bytesPerFrame: 160,
    leg: 'telnyx',
  },
  {
    name: 'Telnyx, stream_auth_token as a bearer',
    wire: () => telnyxWire({ tokenIn: 'stream_auth_token' }),
    rate: 8000,
    bytesPerFrame: 160,
    leg: 'telnyx',
  },
  { name: 'Plivo', wire: () => plivoWire(), rate: 8000, bytesPerFrame: 160, leg: null },
  {
    name: 'Plivo L16 16 kHz',
    wire: () => plivoWire({ contentType: 'audio/x-l16;rate=16000', playedEvent: 'played' }),
    rate: 16000,
    bytesPerFrame: 640,
    leg: null,
  },
  { name: 'Exotel', wire: () => exotelWire(), rate: 8000, bytesPerFrame: 320, leg: null },
  { name: 'Vonage', wire: () => vonageWire(), rate: 16000, bytesPerFrame: 640, leg: null },
];

describe.each(VENDORS)('media stream over a WebSocket: $name', ({ wire, rate, bytesPerFrame, leg }) => {
  it('is recognised, spends the token, and names the carrier leg only for carriers we dial through', async () => {
    const server = await serve();
    const carrier = await connect(server, wire());
    const channel = await acceptedChannel(server);
    expect((channel as MediaStreamChannel).vendor).toBe(carrier.carrier.wire.vendor);
    expect(channel.sampleRateHz).toBe(rate);
    expect(channel.inBandDtmf).toBe(false);
    expect(server.events.answers).toHaveLength(1);
    expect(server.events.answers[0]!.leg?.carrier ?? null).toBe(leg);
    expect(server.logged.join('')).not.toContain(TOKEN);
  });

  it('turns a caller tone into PCM frames at the stream rate, and agent frames into whole vendor frames', async () => {
    const server = await serve();
    const carrier = await connect(server, wire());
    const got = collect(await acceptedChannel(server));
    // 200 ms of 440 Hz at -12 dBFS, sent as the vendor chunks it (one 20 ms frame per message).
    const tone = sine(440, 8000, rate, (rate / 50) * 10);
    for (let i = 0; i < 10; i++) carrier.carrier.sendAudio(tone.subarray((i * rate) / 50, ((i + 1) * rate) / 50));
    await eventually(() => got.frames.length === 10, 'ten caller frames');
    expect(got.frames.every((f) => f.sampleRateHz === rate && f.samples.length === rate / 50)).toBe(true);
    const heard = Int16Array.from(got.frames.flatMap((f) => [...f.samples]));
    const error = Int16Array.from(heard, (s, i) => s - tone[i]!);
    // G.711 keeps the tone to within a few per cent; L16 exactly.
    expect(rms(error)).toBeLessThan(rms(tone) * 0.05);

    const channel = server.accepted[0]!;
    for (let i = 0; i < 3; i++) channel.sendFrame({ samples: tone.subarray((i * rate) / 50, ((i + 1) * rate) / 50), sampleRateHz: rate });
    await carrier.until((c) => c.heard().length === 3);
    expect(carrier.carrier.payloadSizes()).toEqual([bytesPerFrame, bytesPerFrame, bytesPerFrame]);
    const back = Int16Array.from(carrier.carrier.heard().flatMap((s) => [...s]));
    const backError = Int16Array.from(back, (s, i) => s - tone[i]!);
    expect(rms(backError)).toBeLessThan(rms(tone) * 0.05);
  });

  it('delivers keys, echoes marks as played, drops discarded marks after clear, and ends on the caller hanging up', async () => {
    const server = await serve();
    const carrier = await connect(server, wire());
    const channel = await acceptedChannel(server);
    const got = collect(channel);
    const played: string[] = [];
    channel.playout.onPlayed((name) => played.push(name));

    carrier.carrier.sendDtmf('5#');
    await eventually(() => got.digits.join('') === '5#', 'keys 5 and #');

    channel.playout.mark('utt-1');
    const hasMarks = carrier.carrier.wire.markEcho('x') !== null;
    if (hasMarks) await carrier.until((c) => c.pendingMarks.includes('utt-1'));
    carrier.carrier.playMarks('utt-1');
    await eventually(() => played.length === 1, 'mark utt-1 played');
    channel.playout.mark('utt-2');
    channel.playout.clear();
    if (hasMarks) {
      await carrier.until((c) => c.outbound.some((m) => m.type === 'clear'));
      // The carrier echoed utt-2 on clear (as Twilio does): discarded, not heard.
      await eventually(() => channel.stats().marksIgnored === 1, 'the echo of the cleared mark');
    } else {
      await carrier.until((c) => c.outbound.some((m) => m.type === 'clear'));
    }
    expect(played).toEqual(hasMarks ? ['utt-1'] : ['utt-1', 'utt-2']);

    carrier.carrier.hangUp();
    await eventually(() => got.closes.length === 1, 'the caller hang-up');
    expect(got.closes[0]).toMatch(/caller_hangup|disconnected/);
  });

  it('counts and drops malformed and oversized messages without ending the call', async () => {
    const server = await serve();
    const carrier = await connect(server, wire());
    const channel = await acceptedChannel(server);
    const got = collect(channel);
    carrier.carrier.sendRaw('{not json');
    carrier.carrier.sendRaw(JSON.stringify({ event: 'media', media: { payload: '***' } }));
    carrier.carrier.sendRaw(JSON.stringify({ event: 'dtmf', dtmf: { digit: 'x' } }));
    carrier.carrier.sendRaw('x'.repeat(20_000)); // over the endpoint's own 16 KiB limit, under ws's 64 KiB
    carrier.carrier.sendDtmf('7');
    await eventually(() => got.digits.join('') === '7', 'the key after the junk');
    expect(channel.stats().badMessages).toBeGreaterThanOrEqual(3);
    expect(got.closes).toEqual([]);
  });
});

describe('media stream endpoint: refusals', () => {
  it('closes a stream without a token, with a clear code, and never hands its audio on', async () => {
    const server = await serve();
    const carrier = await connect(server, twilioWire(), null);
    expect(await carrier.closed).toEqual({ code: MEDIA_STREAM_CLOSE.tokenRefused, reason: 'token_missing' });
    expect(server.events.answers).toEqual([]);
  });

  it('with a Twilio account, accepts a Twilio stream only with Twilio’s signature of the stream URL on the upgrade', async () => {
    const authToken = 'twilio-auth-token-0123456789abcdef';
    const server = await serve({
      verifyUpgrade: (vendor, upgrade) => vendor !== 'twilio' || verifyTwilioSignature(authToken, upgrade.twilioSignature, server.url, {}),
    });
    const forged = await connectCarrier(
      server.url,
      { ...twilioWire(), upgradeHeaders: () => ({ 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }) },
      TOKEN,
    );
    carriers.push(forged);
    expect(await forged.closed).toEqual({ code: MEDIA_STREAM_CLOSE.upgradeRefused, reason: 'upgrade_refused' });
    const unsigned = await connect(server, twilioWire());
    expect(await unsigned.closed).toEqual({ code: MEDIA_STREAM_CLOSE.upgradeRefused, reason: 'upgrade_refused' });
    expect(server.events.answers).toEqual([]); // the token was never looked at, so it is still good
    const signature = twilio.getExpectedTwilioSignature(authToken, server.url, {});
    await connectCarrier(server.url, { ...twilioWire(), upgradeHeaders: () => ({ 'x-twilio-signature': signature }) }, TOKEN).then((c) =>
      carriers.push(c),
    );
    await acceptedChannel(server);
    // Other vendors carry no Twilio signature and are not asked for one.
    server.events.issue('tok-telnyx', 'call-2');
    await connect(server, telnyxWire(), 'tok-telnyx');
    await acceptedChannel(server, 2);
  });

  it('takes a bearer token from the upgrade for Telnyx only', async () => {
    const server = await serve();
    const twilio = await connectCarrier(
      server.url,
      { ...twilioWire(), upgradeHeaders: () => ({ authorization: `Bearer ${TOKEN}` }) },
      null,
    );
    carriers.push(twilio);
    expect(await twilio.closed).toEqual({ code: MEDIA_STREAM_CLOSE.tokenRefused, reason: 'token_missing' });
    expect(server.events.answers).toEqual([]);
  });

  it('refuses an unknown token and a second connection with a spent one', async () => {
    const server = await serve();
    const stranger = await connect(server, twilioWire(), 'mst_unknown');
    expect(await stranger.closed).toEqual({ code: MEDIA_STREAM_CLOSE.tokenRefused, reason: 'token_unknown' });
    await connect(server, twilioWire(), TOKEN);
    await acceptedChannel(server);
    const replay = await connect(server, telnyxWire(), TOKEN);
    expect(await replay.closed).toEqual({ code: MEDIA_STREAM_CLOSE.tokenRefused, reason: 'token_used' });
    expect(server.accepted).toHaveLength(1);
    expect(server.logged.join('')).not.toContain(TOKEN);
  });

  it('processes no caller audio before the token is accepted: a refused stream delivers none of it', async () => {
    const frames: AudioFrame[] = [];
    let finishAnswer!: (ok: boolean) => void;
    const events: CarrierEvents = {
      progress: async () => undefined,
      answered: (_token, audio) => {
        audio.onFrame((f) => frames.push(f));
        return new Promise((resolve) => {
          finishAnswer = (ok) => resolve(ok ? { ok: true, callId: 'c' } : { ok: false, reason: 'expired' });
        });
      },
    };
    const server = await serve({ events });
    const carrier = await connect(server, twilioWire());
    await eventually(() => finishAnswer !== undefined, 'answered() called');
    for (let i = 0; i < 5; i++) carrier.carrier.sendAudio(new Int16Array(160).fill(1000));
    carrier.carrier.sendDtmf('1');
    // Let those messages reach the endpoint while the answer is pending.
    await new Promise((r) => setTimeout(r, 50));
    finishAnswer(false);
    expect(await carrier.closed).toEqual({ code: MEDIA_STREAM_CLOSE.tokenRefused, reason: 'token_expired' });
    expect(frames).toEqual([]);
  });

  it('hands audio that came while the token was checked to the call, in order, once accepted', async () => {
    const frames: number[] = [];
    let finishAnswer!: () => void;
    const events: CarrierEvents = {
      progress: async () => undefined,
      answered: (_token, audio) => {
        audio.onFrame((f) => frames.push(f.samples[0]!));
        return new Promise((resolve) => (finishAnswer = () => resolve({ ok: true, callId: 'c' })));
      },
    };
    const server = await serve({ events });
    const carrier = await connect(server, vonageWire());
    await eventually(() => finishAnswer !== undefined, 'answered() called');
    for (let i = 1; i <= 3; i++) carrier.carrier.sendAudio(new Int16Array(320).fill(i * 100));
    await new Promise((r) => setTimeout(r, 50));
    expect(frames).toEqual([]);
    finishAnswer();
    await eventually(() => frames.length === 3, 'held frames delivered');
    expect(frames).toEqual([100, 200, 300]);
  });

  it.each([
    ['an unknown first message', JSON.stringify({ event: 'hello' }), 'unrecognised_stream'],
    ['a first message that is not JSON', 'GET / HTTP/1.1', 'unrecognised_stream'],
    ['a binary first message', Buffer.from([1, 0, 16]), 'unrecognised_stream'],
    ['Twilio with another codec', null, 'unsupported_encoding'],
  ])('closes on %s with 4400 and a reason', async (_what, first, reason) => {
    const server = await serve();
    const raw = await connectCarrier(server.url, { ...twilioWire(), opening: () => [] }, null);
    carriers.push(raw);
    const message =
      first ??
      JSON.stringify({
        event: 'start',
        streamSid: 'MZ1',
        start: {
          streamSid: 'MZ1',
          callSid: 'CA1',
          customParameters: { token: TOKEN },
          mediaFormat: { encoding: 'audio/x-l16', sampleRate: 8000 },
        },
      });
    raw.socket.send(message);
    expect(await raw.closed).toEqual({ code: MEDIA_STREAM_CLOSE.unrecognised, reason });
  });

  it('closes a socket that sends no start in time', async () => {
    const server = await serve({ startTimeoutMs: 30 });
    const raw = await connectCarrier(
      server.url,
      { ...twilioWire(), opening: () => [JSON.stringify({ event: 'connected', protocol: 'Call' })] },
      null,
    );
    carriers.push(raw);
    expect(await raw.closed).toEqual({ code: MEDIA_STREAM_CLOSE.startTimeout, reason: 'start_timeout' });
  });

  it('lets ws refuse a frame over the app-wide 64 KiB limit (1009) before it is read', async () => {
    const server = await serve();
    const carrier = await connect(server, twilioWire());
    await acceptedChannel(server);
    carrier.socket.send('x'.repeat(70 * 1024));
    expect((await carrier.closed).code).toBe(1009);
  });

  it('ends the stream when the call closes its channel', async () => {
    const server = await serve();
    const carrier = await connect(server, twilioWire());
    const channel = await acceptedChannel(server);
    channel.close('agent_hangup');
    expect(await carrier.closed).toEqual({ code: 1000, reason: 'agent_hangup' });
  });
});
