import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import { SOFTPHONE_FRAME_BYTES, encodePcm16le } from './protocol';
import { SoftphoneFrameError, createSoftphoneChannel } from './softphone-channel';
import { FakeSoftphoneSocket } from './testing-socket';

function frameBytes(value: number): Buffer {
  return encodePcm16le(new Int16Array(320).fill(value));
}

function setup(opts: { maxBadInRow?: number } = {}) {
  const socket = new FakeSoftphoneSocket();
  let now = 0;
  const channel = createSoftphoneChannel(socket, { nowMs: () => now, ...opts });
  return { socket, channel, advance: (ms: number) => (now += ms) };
}

describe('softphone channel', () => {
  it('delivers each 640-byte frame as 320 samples at 16 kHz, in order', () => {
    const { socket, channel, advance } = setup();
    const got: AudioFrame[] = [];
    channel.onFrame((f) => got.push(f));
    for (let i = 1; i <= 3; i++) {
      socket.receive(frameBytes(i * 100));
      advance(20);
    }
    expect(got.map((f) => [f.sampleRateHz, f.samples.length, f.samples[0]])).toEqual([
      [16000, 320, 100],
      [16000, 320, 200],
      [16000, 320, 300],
    ]);
    expect(channel.kind).toBe('softphone');
    expect(channel.sampleRateHz).toBe(16000);
  });

  it('answers a wrong-size frame with an error and keeps the call going', () => {
    const { socket, channel } = setup();
    const got: AudioFrame[] = [];
    channel.onFrame((f) => got.push(f));
    socket.receive(Buffer.alloc(SOFTPHONE_FRAME_BYTES - 2));
    socket.receive(frameBytes(7));
    expect(socket.json()).toEqual([expect.objectContaining({ type: 'error', code: 'bad_frame' })]);
    expect(got).toHaveLength(1);
    expect(socket.closedWith).toBeNull();
  });

  it('disconnects a page that sends nothing but garbage', () => {
    const { socket, channel } = setup({ maxBadInRow: 5 });
    const reasons: string[] = [];
    channel.onClose((r) => reasons.push(r));
    for (let i = 0; i < 5; i++) socket.receive(Buffer.from([1, 2, 3]), true);
    expect(socket.closedWith).toEqual({ code: 1008, reason: 'protocol_error' });
    expect(reasons).toEqual(['protocol_error']);
  });

  it('routes keypad, typed text and browser recognition to their listeners', () => {
    const { socket, channel } = setup();
    const keys: string[] = [];
    const texts: Array<[string, string, boolean]> = [];
    channel.onDtmf((d) => keys.push(d));
    channel.onText((t, s, f) => texts.push([t, s, f]));
    socket.receive({ type: 'dtmf', digits: '1' });
    socket.receive({ type: 'text', text: '  taro@example.com ' });
    socket.receive({ type: 'asr', text: 'はい', isFinal: false });
    socket.receive({ type: 'asr', text: 'はいそうです', isFinal: true });
    socket.receive({ type: 'typing' });
    expect(keys).toEqual(['1']);
    expect(texts).toEqual([
      ['taro@example.com', 'typed', true],
      ['はい', 'browser-asr', false],
      ['はいそうです', 'browser-asr', true],
      ['', 'typed', false], // the caller is typing; what, stays in the page until sent
    ]);
  });

  it('passes answer and decline to the ringing logic only', () => {
    const { socket, channel } = setup();
    const controls: string[] = [];
    channel.onControl((m) => controls.push(m.type));
    socket.receive({ type: 'answer' });
    socket.receive({ type: 'decline' });
    expect(controls).toEqual(['answer', 'decline']);
  });

  it('drops audio sent faster than real time beyond a one-second burst', () => {
    const { socket, channel, advance } = setup();
    let count = 0;
    channel.onFrame(() => count++);
    for (let i = 0; i < 80; i++) socket.receive(frameBytes(1));
    expect(count).toBe(50);
    expect(channel.stats().framesDropped).toBe(30);
    expect(socket.json().filter((m) => m.code === 'rate')).toHaveLength(1);
    advance(200);
    socket.receive(frameBytes(1));
    expect(count).toBe(51);
  });

  it('sends agent frames as 640-byte binary messages and refuses frames of another shape', () => {
    const { socket, channel } = setup();
    channel.sendFrame({ samples: new Int16Array(320).fill(-5), sampleRateHz: 16000 });
    expect(socket.binary().map((b) => [b.length, b.readInt16LE(0)])).toEqual([[640, -5]]);
    expect(() => channel.sendFrame({ samples: new Int16Array(160), sampleRateHz: 8000 })).toThrow(SoftphoneFrameError);
    expect(() => channel.sendFrame({ samples: new Int16Array(319), sampleRateHz: 16000 })).toThrow(SoftphoneFrameError);
  });

  it('drops agent audio instead of queueing it behind a stalled network', () => {
    const { socket, channel } = setup();
    socket.buffered = 100_000;
    channel.sendFrame({ samples: new Int16Array(320), sampleRateHz: 16000 });
    expect(socket.binary()).toHaveLength(0);
    expect(channel.stats().framesDropped).toBe(1);
  });

  it('sends captions and control as JSON', () => {
    const { socket, channel } = setup();
    channel.sendCaption({ speaker: 'agent', text: 'もしもし', final: true });
    channel.sendControl({ type: 'listening', expecting: 'email' });
    expect(socket.json()).toEqual([
      { type: 'caption', speaker: 'agent', text: 'もしもし', final: true },
      { type: 'listening', expecting: 'email' },
    ]);
  });

  it('closes once, telling the page why, whoever closes first', () => {
    const { socket, channel } = setup();
    const reasons: string[] = [];
    channel.onClose((r) => reasons.push(r));
    channel.close('ended');
    channel.close('ended');
    socket.drop();
    expect(reasons).toEqual(['ended']);
    expect(socket.json()).toEqual([{ type: 'ended', reason: 'ended' }]);
    expect(socket.closedWith).toEqual({ code: 1000, reason: 'ended' });
  });

  it('reports a caller hangup and a lost page as different reasons', () => {
    const a = setup();
    const b = setup();
    const reasons: string[] = [];
    a.channel.onClose((r) => reasons.push(r));
    b.channel.onClose((r) => reasons.push(r));
    a.socket.receive({ type: 'hangup' });
    b.socket.drop();
    expect(reasons).toEqual(['caller_hangup', 'disconnected']);
  });

  it('ignores whatever arrives after the close', () => {
    const { socket, channel } = setup();
    let frames = 0;
    channel.onFrame(() => frames++);
    channel.close('ended');
    socket.receive(frameBytes(1));
    expect(frames).toBe(0);
  });
});
