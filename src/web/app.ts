import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import websocket, { type WebSocket } from '@fastify/websocket';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyRequest,
  type RouteOptions,
} from 'fastify';
import { type Clock, systemClock } from '../domain/clock';
import type { Logger } from '../observability/logger';
import { scrubUrl } from '../observability/scrub';
import type { Metrics } from '../observability/metrics';
import { FAVICON_SVG } from './pages/layout';
import { notFoundPage } from './pages/not-found-page';
import { invalidField, registerOpenApi } from './openapi';
import { badRequestPage } from './pages/bad-request-page';
import { requestLang } from './request-lang';
import { Refusal } from '../domain/refusal';
import { sendRefusal } from './refusal-reply';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  /** One plugin per area (identity, recovery, mail, console, calls …), composed in main.ts. */
  plugins: FastifyPluginAsync[];
  /** Requests come through a proxy that sets X-Forwarded-For (off by default). */
  trustProxy?: boolean;
  /** What /readyz reports; without it the app is always ready (tests that build only the app). */
  readiness?: Readiness;
  /** The services' clock: request-time checks (fresh re-authentication) read it; default the system clock. */
  clock?: Clock;
  /** Fastify's onRoute hook, added before any route: sees every route as it is registered (test/integration/route-schemas.test.ts). */
  onRoute?: (route: RouteOptions) => void;
}

/** Kubernetes-style readiness, separate from liveness (/healthz): README "Shutdown and readiness". */
export interface Readiness {
  /** True once SIGTERM was received: no new call streams, /readyz 503. */
  draining(): boolean;
  /** Rejects when the database does not answer. */
  checkDatabase(): Promise<void>;
}

/**
 * Request logs without the query string and without path tokens: links carry tokens
 * (`/recover/cancel?token=`, `/call/<token>` for 14 days) and the dev mail API takes an address (`?to=`),
 * none of which belong in logs. The logger scrubs the same way; this keeps Fastify's own `req` alike.
 */
function requestLogFields(req: FastifyRequest) {
  return { method: req.method, path: scrubUrl(req.url) };
}

/**
 * Security headers from @fastify/helmet (helmet 8): no framing at all (clickjacking on sign-in and
 * the recovery form), no MIME sniffing, and no Referer to other origins (links carry tokens), plus
 * helmet's other defaults. Set on every request before the route runs, so a route may still set a
 * stricter value of its own (the softphone's no-referrer). No Content-Security-Policy yet: the
 * softphone, live-calls and console pages use inline script and style, which need nonces first.
 */
const HELMET_OPTIONS = {
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'same-origin' },
  contentSecurityPolicy: false,
} as const;

/** Errors whose status is a client error carry a message meant for the client (e.g. "Body is not valid JSON"). */
function clientStatus(err: FastifyError): number | undefined {
  const status = err.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * Errors on an open WebSocket. What a client can cause — a frame that is too big or not valid
 * UTF-8, a bad opcode, a dropped connection — is one warn line with the error's code and no stack
 * (issue 7, finding 10: an unauthenticated client could fill the log with stack traces); `ws` has
 * already answered a protocol error with the matching close code (1002, 1007, 1009). Anything
 * else is our bug: logged in full, and the socket closed with 1011.
 */
function webSocketError(this: unknown, err: Error, socket: WebSocket, req: FastifyRequest): void {
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && (code.startsWith('WS_ERR_') || CONNECTION_ERRORS.has(code))) {
    req.log.warn({ wsError: code }, 'websocket closed on a client error');
    return;
  }
  req.log.error({ err }, 'websocket handler failed');
  socket.close(1011, 'server_error');
}

const CONNECTION_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

/**
 * Paths called by programs, which get JSON errors: the HTTP API (/api/…) and the carriers'
 * webhooks (/telephony/…). Every other path is a page a person opens in a browser.
 */
export function isApiPath(url: string): boolean {
  return url.startsWith('/api/') || url.startsWith('/telephony/');
}

/** The HTTP app: shared parsers, health and request counting; everything else comes from the area plugins. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({}, { serializers: { req: requestLogFields } }) as FastifyBaseLogger,
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: 64 * 1024,
  });
  const onRoute = deps.onRoute;
  if (onRoute) app.addHook('onRoute', (route) => onRoute(route));
  await app.register(helmet, HELMET_OPTIONS);
  await app.register(formbody);
  await app.register(cookie);
  await app.register(requestLang);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 }, errorHandler: webSocketError });
  // Decorated at the root so every area plugin's requests carry them (plugins are encapsulated).
  app.decorate('clock', deps.clock ?? systemClock);
  app.decorateRequest('operator', null);
  // Before any route: the document collects routes as they are added.
  await registerOpenApi(app, { title: 'aizuchi HTTP API', version: '1' });

  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpRequests.inc({ route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  // 4xx errors keep their message (it describes the client's mistake); anything else is logged in
  // full and answered generically, so internals (SQL, paths, stack traces) never reach the client.
  app.setErrorHandler((err: FastifyError, req, reply) => {
    // A console route turned the request away (domain/refusal.ts): a page in the operator's
    // language with a way back, or JSON for a client that asks for it (web/refusal-reply.ts).
    if (err instanceof Refusal) return sendRefusal(req, reply, err);
    // A page's query, path or form that fails its route schema: a page in the visitor's language,
    // not JSON (issue 10); APIs (isApiPath) keep the JSON error below.
    if (err.validation && !isApiPath(req.url)) {
      return reply
        .code(400)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(badRequestPage(req.lang, req.url.split('?')[0] ?? '/', invalidField(err)));
    }
    const status = clientStatus(err);
    if (status !== undefined) {
      return reply.code(status).send({ error: err.code ?? 'bad_request', message: err.message });
    }
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal_error', message: 'Something went wrong on our side. Please try again later.' });
  });

  app.setNotFoundHandler((req, reply) => {
    if (isApiPath(req.url)) return reply.code(404).send({ error: 'not_found', message: 'no such endpoint' });
    // A person at a browser gets a page in their language with a way back, not a bare line.
    const lang = req.lang;
    return reply
      .code(404)
      .type('text/html; charset=utf-8')
      .send(notFoundPage(lang, req.url.split('?')[0] ?? '/'));
  });

  // Liveness: the process answers. Readiness: it should be sent traffic (not draining, database up).
  app.get('/healthz', async () => ({ status: 'ok' }));
  const readiness = deps.readiness;
  app.get('/readyz', async (req, reply) => {
    if (readiness?.draining()) return reply.code(503).send({ status: 'draining' });
    try {
      await readiness?.checkDatabase();
    } catch (err) {
      req.log.warn({ err }, 'readiness: database unreachable');
      return reply.code(503).send({ status: 'database_unreachable' });
    }
    return { status: 'ready' };
  });
  // While draining, a new call stream (every WebSocket here carries a call, a softphone line or a
  // live view) is refused before the upgrade, so the client connects again through a ready process.
  app.addHook('onRequest', async (req, reply) => {
    if (!readiness?.draining() || req.headers.upgrade?.toLowerCase() !== 'websocket') return;
    return reply
      .code(503)
      .header('retry-after', '1')
      .send({ error: 'draining', message: 'this server is shutting down; connect again to reach another one' });
  });
  // The pages' icon, as a small SVG (no binary asset); /favicon.ico for browsers that ask anyway.
  for (const path of ['/favicon.svg', '/favicon.ico']) {
    app.get(path, async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG));
  }
  // No /metrics here: metrics are served on their own listener (web/metrics-server.ts).

  for (const plugin of deps.plugins) await app.register(plugin);
  return app;
}
