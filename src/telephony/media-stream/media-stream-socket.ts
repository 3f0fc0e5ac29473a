import type { RawData, WebSocket } from 'ws';

/** The little of a WebSocket a media stream needs, so tests can drive the channel without a network. */
export interface MediaStreamSocket {
  isOpen(): boolean;
  /** Bytes queued in the socket but not yet written to the network. */
  bufferedBytes(): number;
  send(data: string | Buffer): void;
  close(code: number, reason: string): void;
  onMessage(listener: (data: Buffer, isBinary: boolean) => void): void;
  onClose(listener: (code: number) => void): void;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Adapts a `ws` WebSocket (what @fastify/websocket hands a route). */
export function wsMediaStreamSocket(ws: WebSocket): MediaStreamSocket {
  return {
    isOpen: () => ws.readyState === ws.OPEN,
    bufferedBytes: () => ws.bufferedAmount,
    send: (data) => {
      if (ws.readyState === ws.OPEN) ws.send(data);
    },
    close: (code, reason) => {
      // Close reasons are limited to 123 bytes by the protocol (RFC 6455 §5.5).
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, Buffer.from(reason).subarray(0, 120).toString());
    },
    onMessage: (listener) => {
      ws.on('message', (data, isBinary) => listener(toBuffer(data), isBinary));
    },
    onClose: (listener) => {
      ws.on('close', (code) => listener(code));
    },
  };
}
