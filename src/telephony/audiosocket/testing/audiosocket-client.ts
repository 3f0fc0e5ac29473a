import net from 'node:net';
import { AudioSocketDecoder, type AudioSocketMessage, encodeAudioSocket } from '../framing';

/**
 * Asterisk's side of an AudioSocket connection, for tests and benches: a real TCP client on loopback
 * that speaks the documented framing (TELEPHONY.md §5) and keeps every message the server sends.
 */
export interface AudioSocketTestClient {
  /** Messages received so far, in order. */
  readonly received: AudioSocketMessage[];
  /** Raw bytes, written as given (for split frames and fuzzing). */
  write(bytes: Buffer): void;
  sendUuid(uuid: string): void;
  sendAudio(samples: Int16Array): void;
  sendDtmf(digit: string): void;
  hangUp(): void;
  /** Resolves once a received message satisfies `test` (checked against earlier ones too). */
  waitFor(test: (m: AudioSocketMessage, all: readonly AudioSocketMessage[]) => boolean): Promise<AudioSocketMessage>;
  /** Resolves when the server closed the connection (with `hadData`: whether it sent anything at all). */
  readonly closed: Promise<{ hadData: boolean }>;
  /** Agent audio received so far, joined. */
  audioHeard(): Int16Array;
  destroy(): void;
}

export async function connectAudioSocket(port: number, host = '127.0.0.1'): Promise<AudioSocketTestClient> {
  const socket = net.connect({ port, host });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const decoder = new AudioSocketDecoder();
  const received: AudioSocketMessage[] = [];
  const waiters: Array<() => void> = [];
  let hadData = false;
  socket.on('data', (chunk: Buffer) => {
    hadData = true;
    received.push(...decoder.push(chunk));
    for (const w of [...waiters]) w();
  });
  const closed = new Promise<{ hadData: boolean }>((resolve) => socket.once('close', () => resolve({ hadData })));
  const write = (bytes: Buffer) => {
    if (!socket.destroyed && socket.writable) socket.write(bytes);
  };
  return {
    received,
    write,
    sendUuid: (uuid) => write(encodeAudioSocket.uuid(uuid)),
    sendAudio: (samples) => write(encodeAudioSocket.audio(samples)),
    sendDtmf: (digit) => write(encodeAudioSocket.dtmf(digit)),
    hangUp: () => {
      write(encodeAudioSocket.hangup());
      socket.end();
    },
    waitFor: (test) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const hit = received.find((m) => test(m, received));
          if (!hit) return false;
          waiters.splice(waiters.indexOf(check), 1);
          resolve(hit);
          return true;
        };
        waiters.push(check);
        if (check()) return;
        void closed.then(() => {
          if (waiters.includes(check) && !check()) reject(new Error('connection closed before the awaited message'));
        });
      }),
    closed,
    audioHeard: () => {
      const parts = received.flatMap((m) => (m.kind === 'audio' ? [m.samples] : []));
      const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
    destroy: () => socket.destroy(),
  };
}
