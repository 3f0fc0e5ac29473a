import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { downmixToMono, parseWav } from '../../media/wav';

/**
 * Test double of an OpenAI-compatible transcription server: it parses the real multipart
 * request (with undici's own parser, via Response.formData) and answers from a script.
 */
export interface TranscriptionRequest {
  readonly authorization: string | undefined;
  readonly model: string | undefined;
  readonly language: string | undefined;
  readonly responseFormat: string | undefined;
  readonly prompt: string | undefined;
  readonly fileName: string | undefined;
  readonly fileType: string | undefined;
  readonly sampleRateHz: number;
  readonly samples: Int16Array;
}

export interface ScriptedReply {
  readonly status: number;
  readonly body: string;
}

export interface TranscriptionServer {
  readonly baseUrl: string;
  readonly requests: TranscriptionRequest[];
  close(): Promise<void>;
}

/** `'drop'`: destroy the connection without an answer (a dropped line). */
export async function startTranscriptionServer(
  reply: (request: TranscriptionRequest) => ScriptedReply | 'drop' | Promise<ScriptedReply | 'drop'>,
): Promise<TranscriptionServer> {
  const requests: TranscriptionRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'not found' } }));
          return;
        }
        const parsed = await parseRequest(req);
        requests.push(parsed);
        const answer = await reply(parsed);
        if (answer === 'drop') {
          req.socket.destroy();
          return;
        }
        const { status, body } = answer;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body);
      } catch (error) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `test server rejected the request: ${String(error)}` } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function parseRequest(req: IncomingMessage): Promise<TranscriptionRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const contentType = req.headers['content-type'] ?? '';
  if (!contentType.startsWith('multipart/form-data')) throw new Error(`content-type ${contentType}`);
  const form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': contentType } }).formData();
  const file = form.get('file');
  if (!(file instanceof Blob)) throw new Error('no file part');
  const audio = parseWav(new Uint8Array(await file.arrayBuffer()));
  const samples = downmixToMono(audio);
  const { sampleRateHz } = audio;
  const text = (key: string): string | undefined => {
    const value = form.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  return {
    authorization: req.headers.authorization,
    model: text('model'),
    language: text('language'),
    responseFormat: text('response_format'),
    prompt: text('prompt'),
    fileName: file instanceof File ? file.name : undefined,
    fileType: file.type,
    sampleRateHz,
    samples,
  };
}
