import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';

export interface AppDeps {
  logger: Logger;
  metrics: Metrics;
  /** One plugin per area (identity, recovery, mail, console, calls …), composed in main.ts. */
  plugins: FastifyPluginAsync[];
  /** Requests come through a proxy that sets X-Forwarded-For (off by default). */
  trustProxy?: boolean;
}

/** The HTTP app: shared parsers, health and metrics; everything else comes from the area plugins. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: 64 * 1024,
  });
  await app.register(formbody);
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  app.addHook('onResponse', async (req, reply) => {
    deps.metrics.httpRequests.inc({ route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  for (const plugin of deps.plugins) await app.register(plugin);
  return app;
}
