import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { detectDtmf } from '../../media/dtmf/detector';
import { generateDtmf } from '../../media/dtmf/generator';
import type { AudioFrame } from '../../media/frame';
import { rms, sine } from '../../media/testing/signals';
import type { AudioSocketChannel } from './audiosocket-channel';
import { type AudioSocketServer, startAudioSocketServer } from './audiosocket-server';
import { encodeAudioSocket } from './framing';
import { type AudioSocketTestClient, connectAudioSocket } from './testing/audiosocket-client';

const UUID = '4a1c9e2b-7f30-4d6a-9b8e-2c5d1f0a3e77';
const silent = pino({ level: 'silent' });

let server: AudioSocketServer | null = null;
const clients: AudioSocketTestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = null;
});

/** A server on a free loopback port; each call's UUID and channel go to `calls`. */
async function start(opts: { allow?: string[]; uuidTimeoutMs?: number; idleTimeoutMs?: number } = {}) {
  const calls: Array<{ uuid: string; channel: AudioSocketChannel }> = [];
  const arrivals: Array<() => void> = [];
  server = await startAudioSocketServer({
    host: '127.0.0.1',
    port: 0,
    allow: opts.allow ?? ['127.0.0.1', '::1'],
    logger: silent,
    ...(opts.uuidTimeoutMs ? { uuidTimeoutMs: opts.uuidTimeoutMs } : {}),
    ...(opts.idleTimeoutMs ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
    onCall: (uuid, channel) => {
      calls.push({ uuid, channel });
      for (const a of arrivals.splice(0)) a();
    },
  });
  let taken = 0;
  /** The next call not yet taken by this test, once it arrives. */
  const nextCall = async () => {
    const index = taken++;
    while (calls.length <= index) await new Promise<void>((r) => arrivals.push(r));
    return calls[index]!;
  };
  const client = async () => {
    const c = await connectAudioSocket(server!.address.port);
    clients.push(c);
    return c;
  };
  return { calls, nextCall, client };
}

/** Frames the channel delivers, collected until `count` arrived. */
function collect(channel: AudioSocketChannel, count: number): Promise<AudioFrame[]> {
  const frames: AudioFrame[] = [];
  return new Promise((resolve) =>
    channel.onFrame((f) => {
      frames.push(f);
      if (frames.length === count) resolve(frames);
    }),
  );
}

describe('AudioSocket server over loopback TCP', () => {
  it('takes the UUID, carries caller audio in (even split across chunks) and agent audio out', async () => {
    const { nextCall, client } = await start();
    const asterisk = await client();
    asterisk.sendUuid(UUID);
    const { uuid, channel } = await nextCall();
    expect(uuid).toBe(UUID);
    expect(channel.sampleRateHz).toBe(8000);

    // Caller: 1 s of 440 Hz tone as 50 frames of 320 bytes, written in odd-sized pieces.
    const tone = sine(440, 8000, 8000, 8000);
    const bytes = Buffer.concat(Array.from({ length: 50 }, (_, i) => encodeAudioSocket.audio(tone.subarray(i * 160, (i + 1) * 160))));
    const heard = collect(channel, 50);
    for (let at = 0; at < bytes.length; at += 97) asterisk.write(bytes.subarray(at, at + 97));
    const frames = await heard;
    expect(frames.every((f) => f.samples.length === 160 && f.sampleRateHz === 8000)).toBe(true);
    expect(Array.from(frames.flatMap((f) => Array.from(f.samples)))).toEqual(Array.from(tone));

    // Agent: 25 frames of a 1 kHz tone reach Asterisk as slin, sample for sample.
    const agent = sine(1000, 6000, 8000, 25 * 160);
    for (let i = 0; i < 25; i++) channel.sendFrame({ samples: agent.subarray(i * 160, (i + 1) * 160), sampleRateHz: 8000 });
    await asterisk.waitFor((_, all) => all.filter((m) => m.kind === 'audio').length === 25);
    const out = asterisk.audioHeard();
    expect(out).toEqual(agent);
    expect(rms(out)).toBeGreaterThan(3000);
  });

  it('delivers keys from 0x03 digit frames, and keys played as tones survive in the audio for the in-band detector', async () => {
    const { nextCall, client } = await start();
    const asterisk = await client();
    asterisk.sendUuid(UUID);
    const { channel } = await nextCall();
    expect(channel.inBandDtmf).toBe(true);
    const digits: string[] = [];
    const gotKeys = new Promise<void>((resolve) =>
      channel.onDtmf((d) => {
        digits.push(d);
        if (digits.length === 3) resolve();
      }),
    );
    for (const d of ['4', '2', '#']) asterisk.sendDtmf(d);
    await gotKeys;
    expect(digits.join('')).toBe('42#');

    const tones = generateDtmf('739', { sampleRateHz: 8000 });
    const whole = Math.floor(tones.length / 160);
    const heard = collect(channel, whole);
    for (let i = 0; i < whole; i++) asterisk.sendAudio(tones.subarray(i * 160, (i + 1) * 160));
    const frames = await heard;
    const samples = Int16Array.from(frames.flatMap((f) => Array.from(f.samples)));
    expect(
      detectDtmf(samples, 8000)
        .map((e) => e.digit)
        .join(''),
    ).toBe('739');
  });

  it('a hangup from Asterisk closes the channel once; our close sends 0x00 and ends the connection', async () => {
    const { nextCall, client } = await start();
    const first = await client();
    first.sendUuid(UUID);
    const a = await nextCall();
    const reasons: string[] = [];
    const closed = new Promise<void>((resolve) => a.channel.onClose((r) => (reasons.push(r), resolve())));
    first.hangUp();
    await closed;
    expect(reasons).toEqual(['caller hung up']);

    const second = await client();
    second.sendUuid('00000000-0000-4000-8000-000000000001');
    const b = await nextCall();
    expect(b.uuid).toBe('00000000-0000-4000-8000-000000000001');
    b.channel.close('ended');
    await second.closed;
    expect(second.received.at(-1)).toEqual({ kind: 'hangup' });
    expect(server!.connections()).toBeLessThanOrEqual(1);
  });

  it('a dropped TCP connection mid-call closes the channel', async () => {
    const { nextCall, client } = await start();
    const asterisk = await client();
    asterisk.sendUuid(UUID);
    const { channel } = await nextCall();
    const closed = new Promise<string>((resolve) => channel.onClose(resolve));
    asterisk.destroy();
    expect(await closed).toBe('connection closed');
  });

  it('closes a connection from an address not allowed at once, without a byte and without a call', async () => {
    const { calls, client } = await start({ allow: ['192.0.2.10', '10.0.0.0/8'] });
    const stranger = await client();
    stranger.sendUuid(UUID);
    expect(await stranger.closed).toEqual({ hadData: false });
    expect(calls).toEqual([]);
  });

  for (const [name, bytes] of [
    ['audio before the UUID', encodeAudioSocket.audio(new Int16Array(160))],
    ['a digit before the UUID', encodeAudioSocket.dtmf('5')],
    ['an unknown kind', Buffer.from([0x42, 0x00, 0x01, 0x00])],
    ['an oversized length', Buffer.from([0x10, 0xff, 0xff])],
    ['a short UUID', Buffer.from([0x01, 0x00, 0x04, 1, 2, 3, 4])],
  ] as const) {
    it(`refuses ${name} with an error message and a close, and starts no call`, async () => {
      const { calls, client } = await start();
      const peer = await client();
      peer.write(bytes);
      await peer.closed;
      expect(peer.received).toEqual([{ kind: 'error', code: 0x02 }]);
      expect(calls).toEqual([]);
    });
  }

  it('a second UUID mid-call ends the call with an error message', async () => {
    const { nextCall, client } = await start();
    const asterisk = await client();
    asterisk.sendUuid(UUID);
    const { channel } = await nextCall();
    const closed = new Promise<string>((resolve) => channel.onClose(resolve));
    asterisk.sendUuid(UUID);
    expect(await closed).toBe('protocol error');
    await asterisk.closed;
    expect(asterisk.received.at(-1)).toEqual({ kind: 'error', code: 0x02 });
  });

  it('drops a peer that sends no UUID in time', async () => {
    const { calls, client } = await start({ uuidTimeoutMs: 100 });
    const mute = await client();
    await mute.closed;
    expect(mute.received).toEqual([{ kind: 'error', code: 0x02 }]);
    expect(calls).toEqual([]);
  });

  it('drops a peer that dribbles bytes without completing a message (slow-loris)', async () => {
    const { calls, nextCall, client } = await start({ idleTimeoutMs: 300 });
    const slow = await client();
    slow.sendUuid(UUID);
    const { channel } = await nextCall();
    const closed = new Promise<string>((resolve) => channel.onClose(resolve));
    const frame = encodeAudioSocket.audio(new Int16Array(160));
    let at = 0;
    const drip = setInterval(() => slow.write(frame.subarray(at, ++at)), 50);
    expect(await closed).toBe('protocol error');
    clearInterval(drip);
    expect(calls).toHaveLength(1);
  });
});
