import WebSocket from 'ws';
import { CarrierSide } from './carrier-side';
import type { VendorWire } from './vendor-wire';

/** A carrier's media stream over a real WebSocket, for endpoint tests, tel-twilio's fake servers and the benchmark. */
export interface WsCarrier {
  readonly carrier: CarrierSide;
  readonly socket: WebSocket;
  /** Resolves with the close code and reason once the socket is closed (by either side). */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `predicate` holds over what the endpoint sent (checked on every message), or rejects after `timeoutMs`. */
  until(predicate: (carrier: CarrierSide) => boolean, timeoutMs?: number): Promise<void>;
}

/**
 * Opens a WebSocket to `url` (e.g. `ws://127.0.0.1:PORT/telephony/media-stream`) and, once it is
 * open, sends the vendor's opening messages with `token` (none when null).
 */
export async function connectCarrier(url: string, wire: VendorWire, token: string | null): Promise<WsCarrier> {
  const socket = new WebSocket(url, { headers: wire.upgradeHeaders?.(token) ?? {} });
  const carrier = new CarrierSide(wire, {
    send: (data) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(data);
    },
    close: () => socket.close(1000, 'carrier hung up'),
  });
  const watchers = new Set<() => void>();
  socket.on('message', (data, isBinary) => {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    carrier.received(buf, isBinary);
    for (const w of [...watchers]) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const w of [...watchers]) w();
    });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  carrier.open(token);
  return {
    carrier,
    socket,
    closed,
    until(predicate, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(carrier)) {
            watchers.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (socket.readyState === WebSocket.CLOSED) {
            watchers.delete(check);
            clearTimeout(timer);
            reject(new Error('the stream closed before the expected messages arrived'));
          }
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`expected messages did not arrive within ${timeoutMs} ms`));
        }, timeoutMs);
        watchers.add(check);
        check();
      });
    },
  };
}
