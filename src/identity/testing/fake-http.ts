import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a fake vendor server sees it: method, path, query and the raw body. */
export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** What a fake vendor server answers: status, JSON (or no) body, extra headers. */
export interface FakeResponse {
  readonly status: number;
  readonly json?: unknown;
  readonly headers?: Record<string, string>;
}

/** A started fake server: its base URL (http://127.0.0.1:port, no trailing slash) and a way to stop it. */
export interface RunningFake {
  readonly url: string;
  close(): Promise<void>;
}

/** Bodies over this are refused with 413; vendor payloads we send are a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Starts a loopback-only HTTP server that hands every request to `handle` (tests' fake identity
 * providers speak their vendor's wire protocol through it). A handler that throws answers 500 with
 * the message, so a bug in a fake shows up in the failing test instead of hanging it.
 */
export async function startFakeHttp(handle: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>): Promise<RunningFake> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const reply = (r: FakeResponse) => {
        const body = r.json === undefined ? '' : JSON.stringify(r.json);
        res.writeHead(r.status, { ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...r.headers });
        res.end(body);
      };
      if (size > MAX_BODY_BYTES) return reply({ status: 413, json: { error: 'payload too large' } });
      const url = new URL(req.url ?? '/', 'http://fake.invalid');
      const request: FakeRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      Promise.resolve()
        .then(() => handle(request))
        .then(reply, (error: unknown) => reply({ status: 500, json: { error: 'fake_server_bug', message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The bearer token of a request, or null when the Authorization header is missing or of another scheme. */
export function bearerToken(req: FakeRequest): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** Parses a request body sent as JSON or as application/x-www-form-urlencoded; null when it is neither. */
export function parseBody(req: FakeRequest): Record<string, unknown> | null {
  const type = String(req.headers['content-type'] ?? '');
  try {
    if (type.startsWith('application/json')) {
      const parsed: unknown = JSON.parse(req.body || '{}');
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    }
    if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(req.body));
  } catch {
    return null;
  }
  return null;
}
