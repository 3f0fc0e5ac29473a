import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { type ZodTypeProvider, jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import { $ZodType } from 'zod/v4/core';

/** Where the app serves its OpenAPI document (issue 10 done-when: "GET /openapi.json describes the API"). */
export const OPENAPI_PATH = '/openapi.json';

/** A route's tag in the document, from its path: what a reader of the API looks for first. */
function tagOf(url: string): string {
  if (url.startsWith('/api/v1/recovery-requests') || url.startsWith('/recover')) return 'recovery';
  if (url.startsWith('/api/v1/calls') || url.startsWith('/api/v1/softphone') || url.startsWith('/call/') || url.startsWith('/softphone'))
    return 'calls';
  if (url.startsWith('/api/v1/media-stream') || url.startsWith('/telephony') || url.startsWith('/webhooks')) return 'telephony';
  if (url.startsWith('/console')) return 'console (HTML)';
  if (url.startsWith('/signin') || url.startsWith('/signout') || url.startsWith('/account') || url.startsWith('/signup')) return 'identity';
  if (url.startsWith('/api/v1/dev') || url.startsWith('/dev/')) return 'mail catcher (development)';
  if (url === '/healthz' || url === '/readyz') return 'health';
  return 'other';
}

const isZod = (value: unknown) => value instanceof $ZodType;

/**
 * @fastify/swagger over every route, as OpenAPI 3.1. Route schemas may be zod (through
 * fastify-type-provider-zod, converted to JSON Schema 2020-12 here) or plain JSON Schema, which
 * the document takes as it is; each route is tagged by its path. Must be registered before the
 * routes (it collects them as they are added); GET /openapi.json serves the document.
 */
export async function registerOpenApi(app: FastifyInstance, info: { title: string; version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: { openapi: '3.1.0', info: { ...info, description: 'aizuchi: account recovery by voice (README "The HTTP API")' } },
    transform: (doc) => {
      let schema = doc.schema as Record<string, unknown> | undefined;
      // @fastify/websocket hides its routes from the document; the call and media sockets are part of the API.
      if ((doc.route as { websocket?: boolean }).websocket && schema?.hide) {
        const { hide: _hide, ...rest } = schema;
        schema = {
          ...rest,
          description: 'WebSocket: a GET with Upgrade: websocket (101 Switching Protocols); plain HTTP errors before the upgrade',
        };
      }
      const zodParts = schema && ['body', 'querystring', 'params', 'headers'].some((k) => isZod(schema[k]));
      const input = { ...doc, schema: schema as typeof doc.schema };
      const out = zodParts ? jsonSchemaTransform(input) : { schema: input.schema, url: doc.url };
      return { url: out.url, schema: { ...(out.schema as object), tags: [tagOf(doc.url)] } };
    },
  });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async (_req, reply) => reply.header('cache-control', 'no-store').send(app.swagger()));
}

/**
 * A plugin's routes with zod schemas: validation through zod (the same schema the service parses,
 * so a route and its service cannot disagree), and handler types inferred from it. Call at the top
 * of an area plugin; Fastify scopes the compiler to that plugin.
 */
export function zodRoutes(app: FastifyInstance) {
  app.setValidatorCompiler(validatorCompiler);
  return app.withTypeProvider<ZodTypeProvider>();
}

/** The first invalid field a zod validation error names (`email`, `a.b`), or undefined for the whole body. */
export function invalidField(err: { validation?: Array<{ instancePath?: string }> } | undefined): string | undefined {
  const path = err?.validation?.[0]?.instancePath ?? '';
  return path.length > 1 ? path.slice(1).replace(/\//g, '.') : undefined;
}
