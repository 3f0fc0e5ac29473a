import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { CallerInput } from '../../channels/call-channel';
import { createTextChannel } from './text-channel';

function fakeSocket() {
  const emitter = new EventEmitter();
  const sent: unknown[] = [];
  const closes: Array<[number, string]> = [];
  const socket = Object.assign(emitter, {
    OPEN: 1,
    readyState: 1,
    send: (s: string) => void sent.push(JSON.parse(s)),
    close: (code: number, reason: string) => void closes.push([code, reason]),
  });
  return { socket: socket as unknown as WebSocket, emitter, sent, closes };
}

const frame = (v: unknown) => Buffer.from(JSON.stringify(v));
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('text channel', () => {
  it('maps frames to caller input and agent output to frames', () => {
    const { socket, emitter, sent, closes } = fakeSocket();
    const ch = createTextChannel(socket);
    const got: CallerInput[] = [];
    ch.onInput((i) => got.push(i));
    emitter.emit('message', frame({ type: 'say', text: 'はい' }), false);
    emitter.emit('message', frame({ type: 'dtmf', digits: '12#' }), false);
    emitter.emit('message', frame({ type: 'hangup' }), false);
    expect(got).toEqual([{ type: 'utterance', text: 'はい', isFinal: true }, { type: 'dtmf', digits: '12#' }, { type: 'hangup' }]);
    ch.agentSays('はい', 'backchannel');
    ch.listening('code');
    ch.end('mfa_reset');
    ch.close('ended');
    expect(sent).toEqual([
      { type: 'agent', text: 'はい', kind: 'backchannel' },
      { type: 'listening', expecting: 'code' },
      { type: 'end', outcome: 'mfa_reset' },
    ]);
    expect(closes).toEqual([[1000, 'ended']]);
  });

  it('answers a bad frame with an error and keeps going', () => {
    const { socket, emitter, sent } = fakeSocket();
    const ch = createTextChannel(socket);
    const got: CallerInput[] = [];
    ch.onInput((i) => got.push(i));
    emitter.emit('message', Buffer.from('nope'), false);
    emitter.emit('message', frame({ type: 'say', text: 'はい' }), false);
    expect(sent).toEqual([{ type: 'error', message: 'frame is not JSON' }]);
    expect(got).toHaveLength(1);
  });

  it('keeps frames that arrive before the session listens, and reports a close that came first', async () => {
    const { socket, emitter } = fakeSocket();
    const ch = createTextChannel(socket);
    emitter.emit('message', frame({ type: 'say', text: 'いいえ' }), false);
    emitter.emit('close');
    const got: CallerInput[] = [];
    let closed = 0;
    ch.onInput((i) => got.push(i));
    ch.onClose(() => (closed += 1));
    expect(got).toEqual([]);
    await tick();
    expect(got).toEqual([{ type: 'utterance', text: 'いいえ', isFinal: true }]);
    expect(closed).toBe(1);
  });

  it('a server shutdown closes with 1001', () => {
    const { socket, closes } = fakeSocket();
    createTextChannel(socket).close('shutdown');
    expect(closes).toEqual([[1001, 'shutdown']]);
  });
});
