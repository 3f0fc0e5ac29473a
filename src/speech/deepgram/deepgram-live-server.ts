import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * Test double of Deepgram's live endpoint (/v1/listen): checks the `Authorization: Token`
 * header during the handshake (401 like Deepgram, with a dg-error header), parses the query
 * string, counts binary audio, answers KeepAlive silently and, on CloseStream, sends the
 * scripted Results, a Metadata summary and a 1000 close. `Finalize` is answered with the scripted
 * finals and the socket stays open. Outages can be scripted: a dropped socket, refused handshakes.
 */
export interface LiveSession {
  readonly query: URLSearchParams;
  audioBytes: number;
  audioMessages: number;
  keepAlives: number;
  finalizes: number;
  closeStreamReceived: boolean;
  textMessages: string[];
}

export interface LiveScript {
  /** Messages to send after each binary audio message. */
  onAudio?(session: LiveSession): readonly object[];
  /** Messages to send when CloseStream arrives, before Metadata. */
  onCloseStream?(session: LiveSession): readonly object[];
  /** Close with this code/reason once this many audio bytes arrived (simulated failures). */
  closeAfterBytes?: { bytes: number; code: number; reason: string };
  /** Don't answer CloseStream at all (to test the close timeout). */
  ignoreCloseStream?: boolean;
  /** Messages to send when Finalize arrives (the socket stays open). */
  onFinalize?(session: LiveSession): readonly object[];
  /** Drop the TCP connection without a close frame once this many audio bytes arrived, in the first `sessions` sessions. */
  dropAfterBytes?: { bytes: number; sessions: number };
  /** Refuse the handshake with this HTTP status while it returns one (an outage, a bad request). */
  refuse?(): number | null;
}

export interface LiveServer {
  readonly baseUrl: string;
  readonly sessions: LiveSession[];
  /** Client sockets still open on the server side. */
  openSockets(): number;
  close(): Promise<void>;
}

export function resultsMessage(fields: {
  transcript: string;
  isFinal: boolean;
  speechFinal?: boolean;
  startSec: number;
  durationSec: number;
  confidence?: number;
}): object {
  return {
    type: 'Results',
    channel_index: [0, 1],
    start: fields.startSec,
    duration: fields.durationSec,
    is_final: fields.isFinal,
    speech_final: fields.speechFinal ?? false,
    channel: {
      alternatives: [{ transcript: fields.transcript, confidence: fields.confidence ?? 0.9, words: [] }],
    },
    metadata: { request_id: 'test', model_info: { name: 'test', version: '0', arch: 'test' } },
  };
}

export async function startLiveServer(apiKey: string, script: LiveScript): Promise<LiveServer> {
  const sessions: LiveSession[] = [];
  const http: Server = createServer((_req, res) => {
    res.writeHead(426).end();
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, error: string): void => {
      socket.end(`HTTP/1.1 ${status} Refused\r\ndg-error: ${error}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== '/v1/listen') return refuse(404, 'no such endpoint');
    const scripted = script.refuse?.() ?? null;
    if (scripted !== null) return refuse(scripted, 'scripted refusal');
    if (req.headers.authorization !== `Token ${apiKey}`) return refuse(401, 'Invalid credentials.');
    const q = url.searchParams;
    if (q.get('encoding') !== 'linear16' || !Number(q.get('sample_rate')) || !q.get('language')) {
      return refuse(400, 'bad query');
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, q));
  });

  function serve(ws: WebSocket, query: URLSearchParams): void {
    const session: LiveSession = {
      query,
      audioBytes: 0,
      audioMessages: 0,
      keepAlives: 0,
      finalizes: 0,
      closeStreamReceived: false,
      textMessages: [],
    };
    sessions.push(session);
    const index = sessions.length - 1;
    const sendAll = (messages: readonly object[]): void => {
      for (const message of messages) ws.send(JSON.stringify(message));
    };
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        session.audioBytes += (data as Buffer).length;
        session.audioMessages += 1;
        const failAt = script.closeAfterBytes;
        if (failAt && session.audioBytes >= failAt.bytes) {
          ws.close(failAt.code, failAt.reason);
          return;
        }
        const drop = script.dropAfterBytes;
        if (drop && index < drop.sessions && session.audioBytes >= drop.bytes) {
          ws.terminate();
          return;
        }
        sendAll(script.onAudio?.(session) ?? []);
        return;
      }
      const text = data.toString();
      session.textMessages.push(text);
      const { type } = JSON.parse(text) as { type?: string };
      if (type === 'KeepAlive') session.keepAlives += 1;
      if (type === 'Finalize') {
        session.finalizes += 1;
        sendAll(script.onFinalize?.(session) ?? []);
      }
      if (type === 'CloseStream') {
        session.closeStreamReceived = true;
        if (script.ignoreCloseStream) return;
        sendAll(script.onCloseStream?.(session) ?? []);
        sendAll([
          { type: 'Metadata', request_id: 'test', duration: session.audioBytes / 2 / Number(query.get('sample_rate')), channels: 1 },
        ]);
        ws.close(1000);
      }
    });
  }

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    baseUrl: `ws://127.0.0.1:${port}`,
    sessions,
    openSockets: () => wss.clients.size,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
