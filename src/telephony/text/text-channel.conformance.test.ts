import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { callChannelConformance } from '../../channels/call-channel.conformance';
import { createTextChannel } from './text-channel';

const frame = (v: unknown) => Buffer.from(JSON.stringify(v));

callChannelConformance('text channel over its WebSocket', () => {
  const emitter = new EventEmitter();
  const sent: Array<Record<string, unknown>> = [];
  let closed = false;
  // The `ws` surface the channel uses; close() emits 'close' like the library does once the peer answers.
  const socket = Object.assign(emitter, {
    OPEN: 1,
    readyState: 1,
    send: (s: string) => void sent.push(JSON.parse(s) as Record<string, unknown>),
    close: () => {
      if (closed) return;
      closed = true;
      socket.readyState = 3;
      queueMicrotask(() => emitter.emit('close'));
    },
  });
  const drop = () => {
    if (closed) return;
    closed = true;
    socket.readyState = 3;
    emitter.emit('close');
  };
  return {
    channel: createTextChannel(socket as unknown as WebSocket),
    remote: {
      say: (text) => void emitter.emit('message', frame({ type: 'say', text }), false),
      dtmf: (digits) => void emitter.emit('message', frame({ type: 'dtmf', digits }), false),
      hangUp: () => void emitter.emit('message', frame({ type: 'hangup' }), false),
      dropLine: drop,
      settle: () => new Promise((r) => setTimeout(r, 0)),
      agentLines: () => sent.filter((m) => m.type === 'agent' && m.kind === 'prompt').map((m) => String(m.text)),
      outcomeShown: () => (sent.find((m) => m.type === 'end')?.outcome as string | undefined) ?? null,
      lineClosed: () => closed,
    },
  };
});
