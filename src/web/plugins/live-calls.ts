import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import { type LiveCalls, type LiveEvent, withoutSeen } from '../../calls/live/live-calls';
import { roleAtLeast } from '../../domain/console-roles';
import type { Logger } from '../../observability/logger';
import { liveCallsPage } from '../pages/console/live-page';
import type { Csrf } from '../pages/identity/csrf';
import { type StreamAllowed, watchStreamSession } from './stream-session';
import { zodRoutes } from '../openapi';
import { z } from 'zod';
import { langQuery } from '../route-schemas';

export interface LiveCallsPluginDeps {
  live: LiveCalls;
  requireOperator: preHandlerAsyncHookHandler;
  /** The business time zone times are shown in (AIZUCHI_TIME_ZONE). */
  timeZone: string;
  /** For the nav's sign-out form, and the listen socket's token. */
  csrf?: Pick<Csrf, 'field' | 'token'>;
  /** Listen in (live-listen.ts): the socket's path and the client's assets; absent, no Listen buttons. */
  listen?: { path: string; assetBase: string };
  logger?: Logger;
  /** Comment lines that keep idle proxies from closing the stream; default 15 s. */
  heartbeatMs?: number;
  /** Whether the viewer's session still holds (stream-session.ts); absent: checked at open only. */
  stillAllowed?: StreamAllowed;
  /** How often an open stream re-checks the session; default STREAM_RECHECK_MS. */
  recheckMs?: number;
}

export const LIVE_EVENTS_PATH = '/console/live/events';

/**
 * A viewer this far behind (a stalled browser) is cut off rather than buffered without bound;
 * its EventSource reconnects and starts again from a fresh snapshot.
 */
const MAX_UNSENT_BYTES = 1024 * 1024;

/**
 * The live calls view (issue 10): `GET /console/live` (the page) and `GET /console/live/events`
 * (Server-Sent Events, WHATWG HTML §9.2: first `{type:'snapshot', calls}` with every call in
 * progress, then each live-calls.ts LiveEvent as one `data:` line of JSON).
 */
export function liveCallsPlugin(deps: LiveCallsPluginDeps): FastifyPluginAsync {
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const log = deps.logger?.child({ component: 'live-view' });
  return async (plain) => {
    const app = zodRoutes(plain);
    app.get(
      '/console/live',
      {
        preHandler: deps.requireOperator,
        schema: {
          querystring: langQuery.extend({
            notice: z
              .string()
              .max(32)
              .regex(/^[a-z_]+$/)
              .optional()
              .describe('a take-over refusal to show'),
          }),
        },
      },
      async (req, reply) => {
        const lang = req.lang;
        const notice = (req.query as { notice?: string }).notice;
        const calls = await deps.live.snapshot();
        // Viewers watch; the controls are for operators and admins (the socket checks the role again).
        const op = req.operator;
        const actions =
          deps.listen && deps.csrf && op && roleAtLeast(op.role, 'operator')
            ? {
                listenPath: deps.listen.path,
                assetBase: deps.listen.assetBase,
                csrfToken: deps.csrf.token(req, reply),
                csrfField: deps.csrf.field(req, reply),
              }
            : undefined;
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(
            liveCallsPage(calls, {
              lang,
              timeZone: deps.timeZone,
              eventsPath: LIVE_EVENTS_PATH,
              csrfField: deps.csrf?.field(req, reply),
              ...(actions ? { actions } : {}),
              ...(notice ? { notice } : {}),
            }),
          );
      },
    );

    app.get(LIVE_EVENTS_PATH, { preHandler: deps.requireOperator, schema: { querystring: langQuery } }, async (req, reply) => {
      // The snapshot is taken when snapshot() is called, and the subscription starts in the same tick:
      // nothing falls between them. Events arriving before the snapshot is written wait behind it.
      const snapshot = deps.live.snapshot();
      let backlog: LiveEvent[] | null = [];
      let closed = false;
      const raw = reply.raw;
      const write = (chunk: string) => {
        if (closed) return;
        if (raw.writableLength > MAX_UNSENT_BYTES) {
          log?.warn('live view viewer too slow; stream closed');
          stop();
          raw.end();
          return;
        }
        raw.write(chunk);
      };
      const send = (event: unknown) => write(`data: ${JSON.stringify(event)}\n\n`);
      const unsubscribe = deps.live.subscribe((event) => {
        if (backlog) backlog.push(event);
        else send(event);
      });
      const heartbeat = setInterval(() => write(': keep-alive\n\n'), heartbeatMs);
      // A signed-out or revoked viewer stops hearing calls; their EventSource's reconnect is sent to sign-in.
      const unwatch = deps.stillAllowed
        ? watchStreamSession({
            request: req,
            allowed: deps.stillAllowed,
            everyMs: deps.recheckMs,
            ...(log ? { logger: log } : {}),
            onLost() {
              log?.info('live view session ended; stream closed');
              stop();
              raw.end();
            },
          })
        : () => undefined;
      function stop() {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        unwatch();
        unsubscribe();
      }
      req.raw.on('close', stop);
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      // Reconnect after 2 s if the stream drops (the default is browser-defined).
      write('retry: 2000\n\n');
      let calls;
      try {
        calls = await snapshot;
        send({ type: 'snapshot', calls });
      } catch (err) {
        log?.error({ err: (err as Error)?.name }, 'live calls snapshot failed');
        stop();
        raw.end();
        return;
      }
      const queued = backlog;
      backlog = null;
      for (const event of withoutSeen(calls, queued)) send(event);
    });
  };
}
