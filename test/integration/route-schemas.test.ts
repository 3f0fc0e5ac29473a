import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RouteOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { $ZodType } from 'zod/v4/core';
import { areaPlugins } from '../../src/compose/web';
import { loadConfig } from '../../src/config';
import { type Services, createServices } from '../../src/main';
import { createLogger } from '../../src/observability/logger';
import { buildApp } from '../../src/web/app';

/**
 * Routes that read nothing from the query string, each with why; every other route declares a zod
 * querystring (the request-lang hook reads ?lang on all of them). Params and bodies have no exceptions.
 */
const NO_QUERY: Record<string, string> = {
  'GET /healthz': 'liveness: no input',
  'GET /readyz': 'readiness: no input',
  'GET /favicon.svg': 'a fixed icon',
  'GET /favicon.ico': 'a fixed icon',
  'GET /openapi.json': 'the document itself, hidden from it',
  'POST /api/v1/recovery-requests': 'a JSON API: everything is in its body',
  'GET /telephony/media-stream': 'a carrier WebSocket; the URL carries nothing, the handshake headers are its schema',
  'POST /telephony/twilio/status': 'Twilio signs the whole form; the route reads only the body',
  'POST /telephony/twilio/amd': 'as the status callback',
  'POST /telephony/twilio/voice': 'as the status callback',
  'POST /telephony/telnyx/webhook': 'Telnyx signs the raw JSON body; the route reads only the body',
};

const isZod = (value: unknown) => value instanceof $ZodType;

/** What a route lacks: a zod schema for the params its path names, for its body (POST/PUT/PATCH/DELETE), for its query. */
function gaps(route: RouteOptions): string[] {
  const methods = [route.method].flat();
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  const missing: string[] = [];
  if (route.url.includes(':') && !isZod(schema.params)) missing.push('params');
  if (methods.some((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m)) && !isZod(schema.body)) missing.push('body');
  const key = `${methods.filter((m) => m !== 'HEAD').join(',') || 'HEAD'} ${route.url}`;
  if (!isZod(schema.querystring) && !(key in NO_QUERY) && !(route.method === 'HEAD' && `GET ${route.url}` in NO_QUERY))
    missing.push('querystring');
  return missing.length ? [`${[route.method].flat().join(',')} ${route.url}: ${missing.join(', ')}`] : [];
}

const dirs: string[] = [];
let services: Services | null = null;
afterEach(async () => {
  await services?.close();
  services = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The composed app with every optional area on (softphone, mail catcher, the carrier's webhooks), walked with onRoute. */
async function walk(env: Record<string, string>): Promise<{ urls: string[]; lacking: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-routes-'));
  dirs.push(dir);
  const config = loadConfig({
    AIZUCHI_DATA_DIR: dir,
    AIZUCHI_MAIL_CATCHER_PORT: '0',
    AIZUCHI_PUBLIC_URL: 'https://aizuchi.example.com',
    ...env,
  });
  services = await createServices(config, { logger: createLogger('silent') });
  const urls: string[] = [];
  const lacking: string[] = [];
  const app = await buildApp({
    logger: services.logger,
    metrics: services.metrics,
    plugins: areaPlugins(services),
    onRoute: (route) => {
      urls.push(`${[route.method].flat().join(',')} ${route.url}`);
      lacking.push(...gaps(route));
    },
  });
  await app.close();
  return { urls, lacking };
}

// Issue 10, "Built on Fastify's own tools": zod schemas (through the type provider) on every body, query and params.
describe('every route declares its inputs as zod schemas', () => {
  it('the composed app with the softphone, the mail catcher and Twilio webhooks', async () => {
    const { urls, lacking } = await walk({
      AIZUCHI_TELEPHONY: 'twilio',
      AIZUCHI_TWILIO_ACCOUNT_SID: `AC${'3'.repeat(32)}`,
      AIZUCHI_TWILIO_AUTH_TOKEN: 'route-schema-test',
      AIZUCHI_TWILIO_FROM: '+815012345678',
    });
    // The walk saw the areas it is meant to check (a hook added too late would see nothing).
    for (const url of [
      'GET /console',
      'POST /console/cases/:id/approve',
      'POST /console/escalations/:id/note',
      'GET /dev/mail/:id',
      'POST /telephony/twilio/status',
    ])
      expect(urls).toContain(url);
    expect(lacking).toEqual([]);
  });

  it('the Telnyx webhook', async () => {
    const { urls, lacking } = await walk({
      AIZUCHI_TELEPHONY: 'telnyx',
      AIZUCHI_TELNYX_API_KEY: 'KEY_routes',
      AIZUCHI_TELNYX_CONNECTION_ID: 'conn-1',
      AIZUCHI_TELNYX_FROM: '+815012345678',
      AIZUCHI_TELNYX_PUBLIC_KEY: Buffer.alloc(32, 9).toString('base64'),
    });
    expect(urls).toContain('POST /telephony/telnyx/webhook');
    expect(lacking).toEqual([]);
  });

  it('fails a route that reads params without a schema', () => {
    const route = { method: 'GET', url: '/console/things/:id', handler: () => undefined } as unknown as RouteOptions;
    expect(gaps(route)).toEqual(['GET /console/things/:id: params, querystring']);
  });
});
