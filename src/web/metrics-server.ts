import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackHost } from '../config';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { AizuchiError } from '../domain/errors';
import { MISDIRECTED_REQUEST, isLocalHostHeader } from '../security/host-header';

/**
 * Where Prometheus scrapes: a listener of its own, never the public app (issue 7, finding 2: an
 * unauthenticated `/metrics` next to `/recover` was an account-existence oracle). It binds to
 * loopback by default and, when a token is configured, also wants `Authorization: Bearer <token>`.
 */
export interface MetricsServerOptions {
  metrics: Pick<Metrics, 'registry'>;
  logger: Logger;
  /** AIZUCHI_METRICS_PORT; 0 picks a free port (tests). */
  port: number;
  /** AIZUCHI_METRICS_HOST; `HOST` (the public listener) never moves it. */
  host: string;
  /** AIZUCHI_METRICS_TOKEN; null means no token (then only loopback hosts are allowed). */
  token: string | null;
}

export interface MetricsServer {
  /** The bound port (differs from the configured one when that was 0). */
  port: number;
  url: string;
  stop(): Promise<void>;
}

/** The listener could not start; carries the port so the CLI can say which variable to change. */
export class MetricsServerError extends AizuchiError {
  constructor(
    readonly port: number,
    /** The listener's system error code (EADDRINUSE, …), or `unsafe_host` for a refused configuration. */
    code: string | undefined,
    message: string,
  ) {
    super(message, { code: code ?? 'listen_failed' });
  }
}

function sha256(s: string): Buffer {
  return crypto.createHash('sha256').update(s).digest();
}

/** Constant-time check of the bearer token (hashing first gives timingSafeEqual equal lengths). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer ([^\s]+)$/.exec(header ?? '');
  return m !== null && crypto.timingSafeEqual(sha256(m[1]!), sha256(token));
}

/**
 * Starts the metrics listener: `GET /metrics` answers the registry, everything else 404. Without
 * a valid token (when one is set) the answer is a bare 401 that says nothing about the metrics.
 * Throws MetricsServerError when the host is not loopback and no token is set, or on listen errors.
 */
export async function startMetricsServer(opts: MetricsServerOptions): Promise<MetricsServer> {
  if (!isLoopbackHost(opts.host) && !opts.token) {
    throw new MetricsServerError(
      opts.port,
      'unsafe_host',
      `AIZUCHI_METRICS_HOST=${opts.host} would publish metrics without credentials; set AIZUCHI_METRICS_TOKEN or keep it on loopback`,
    );
  }
  const log = opts.logger.child({ component: 'metrics' });
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (opts.token && !bearerMatches(req.headers.authorization, opts.token)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain; charset=utf-8' }).end('Unauthorized\n');
      return;
    }
    // Without a token, loopback is the only guard: refuse a rebinding page's Host name.
    if (!opts.token && !isLocalHostHeader(req.headers.host)) {
      res.writeHead(MISDIRECTED_REQUEST, { 'content-type': 'text/plain; charset=utf-8' }).end('Misdirected request\n');
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    opts.metrics.registry.metrics().then(
      (body) => res.writeHead(200, { 'content-type': opts.metrics.registry.contentType }).end(body),
      () => {
        log.warn('metrics collection failed');
        res.writeHead(500).end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new MetricsServerError(opts.port, err.code, `metrics listener: ${err.message}`)),
    );
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    port,
    url: `http://${host}:${port}/metrics`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
