import type { WebSocket } from 'ws';
import type { ListenExpecting, Outcome } from '../../agent';
import type { CallChannel, CallerInput } from '../../channels/call-channel';
import { parseCallerFrame } from './frames';

/** Close codes: 1000 after `end`; 1001 when the server shuts down mid-call. */
const CLOSE_NORMAL = 1000;
const CLOSE_GOING_AWAY = 1001;

/**
 * The text channel: a call over one WebSocket with JSON text frames. Caller → agent: say, dtmf,
 * hangup. Agent → caller: agent (prompt | backchannel), listening, end, error. Bad frames are
 * answered with an error and the call goes on.
 */
export function createTextChannel(socket: WebSocket): CallChannel {
  const inputs: Array<(input: CallerInput) => void> = [];
  const closes: Array<() => void> = [];
  let closed = false;
  let peerClosed = false;
  // Frames that arrive while the session is still being set up wait here, in order.
  const early: CallerInput[] = [];

  const send = (frame: Record<string, unknown>) => {
    if (!closed && socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
  };

  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const parsed = parseCallerFrame(buf, isBinary);
    if (!parsed.ok) {
      send({ type: 'error', message: parsed.message });
      return;
    }
    const f = parsed.frame;
    const input: CallerInput =
      f.type === 'say'
        ? { type: 'utterance', text: f.text, isFinal: true }
        : f.type === 'dtmf'
          ? { type: 'dtmf', digits: f.digits }
          : { type: 'hangup' };
    if (inputs.length === 0) early.push(input);
    else for (const l of inputs) l(input);
  });
  socket.on('close', () => {
    peerClosed = true;
    const wasOpen = !closed;
    closed = true;
    if (wasOpen) for (const l of closes) l();
  });
  socket.on('error', () => undefined);

  return {
    onInput(l) {
      inputs.push(l);
      // After the current turn of the event loop, so the session starts the agent first.
      if (early.length > 0) queueMicrotask(() => early.splice(0).forEach((input) => l(input)));
    },
    onClose(l) {
      closes.push(l);
      if (peerClosed) queueMicrotask(l);
    },
    agentSays: (text: string, kind: 'prompt' | 'backchannel') => send({ type: 'agent', text, kind }),
    listening: (expecting: ListenExpecting) => send({ type: 'listening', expecting }),
    end: (outcome: Outcome) => send({ type: 'end', outcome }),
    close(reason = 'ended') {
      if (closed) return;
      closed = true;
      socket.close(reason === 'shutdown' ? CLOSE_GOING_AWAY : CLOSE_NORMAL, reason);
    },
  };
}
