import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import { createLogger } from '../../src/observability/logger';
import { TestCarrierEvents } from '../../src/telephony/media-stream/testing/test-carrier-events';
import { registerOpenApi } from '../../src/web/openapi';
import { MEDIA_STREAM_PATH, mediaStreamPlugin } from '../../src/web/plugins/media-stream';
import { manualClock } from '../e2e/support/clocks';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

interface Operation {
  tags?: string[];
  summary?: string;
  requestBody?: { content: Record<string, { schema: { type?: string; properties?: Record<string, unknown>; required?: string[] } }> };
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, unknown>;
}
type Doc = { openapi: string; info: { title: string; version: string }; paths: Record<string, Record<string, Operation>> };

/**
 * Issue 10 done-when: `GET /openapi.json` describes the API — an OpenAPI 3.1 document built by
 * @fastify/swagger from the routes' own schemas (zod through fastify-type-provider-zod), and the
 * same schema still answers a bad body with a clear 400 naming the field.
 */
describe('the OpenAPI document', () => {
  let t: TestServer;
  let doc: Doc;

  beforeAll(async () => {
    t = await startTestServer({ clock: manualClock(new Date('2035-12-04T01:00:00Z')), env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' } });
    const res = await t.server.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('is OpenAPI 3.1 with the recovery API, calls, softphone, mail catcher and health endpoints', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'aizuchi HTTP API', version: '1' });
    // Every operation has responses (an OpenAPI 3.1 requirement) and a tag.
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect([path, method, typeof op.responses]).toEqual([path, method, 'object']);
        expect(op.tags?.length).toBe(1);
      }
    }
    for (const path of [
      '/api/v1/recovery-requests',
      '/recover',
      '/recover/cancel',
      '/api/v1/calls/text',
      '/api/v1/softphone/ws',
      '/api/v1/dev/mail',
      '/healthz',
      '/readyz',
    ])
      expect(Object.keys(doc.paths)).toContain(path);
    expect(Object.keys(doc.paths)).not.toContain('/openapi.json');
  });

  it('describes the recovery request body from the zod schema the service parses', () => {
    const op = doc.paths['/api/v1/recovery-requests']!.post!;
    expect(op.tags).toEqual(['recovery']);
    const schema = op.requestBody!.content['application/json']!.schema;
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(['consent', 'email', 'lang', 'password', 'phone', 'recordingConsent']);
    expect([...(schema.required ?? [])].sort()).toEqual(['consent', 'email', 'lang', 'phone']);
    expect(schema.properties!.lang).toMatchObject({ enum: ['ja', 'en'] });
    expect(doc.paths['/api/v1/dev/mail']!.get!.parameters).toEqual([expect.objectContaining({ name: 'to', in: 'query' })]);
    expect(doc.paths['/api/v1/calls/text']!.get!.parameters).toEqual([expect.objectContaining({ name: 'token', in: 'query' })]);
  });

  it('describes the softphone and the identity forms from their zod schemas', () => {
    const names = (op: Operation | undefined) => (op?.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort();
    expect(names(doc.paths['/call/{token}']?.get)).toEqual(['path:token', 'query:lang']);
    expect(names(doc.paths['/api/v1/softphone/ws']?.get)).toEqual(['query:token']);
    const signin = doc.paths['/signin']!.post!;
    expect(signin.tags).toEqual(['identity']);
    const form = signin.requestBody!.content['application/x-www-form-urlencoded'] ?? signin.requestBody!.content['application/json'];
    expect(Object.keys(form!.schema.properties ?? {}).sort()).toEqual(['_csrf', 'email', 'password']);
    for (const path of ['/signin/mfa', '/signin/enroll', '/account/mfa']) {
      const body = Object.values(doc.paths[path]!.post!.requestBody!.content)[0]!.schema;
      expect([path, Object.keys(body.properties ?? {}).sort()]).toEqual([path, ['_csrf', 'code']]);
    }
  });

  it('leaves the pages deciding: a sign-in form with a repeated field still gets the sign-in page, not a JSON 400', async () => {
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/signin?lang=en',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a%40example.com&email=b%40example.com&password=x',
    });
    expect(res.statusCode).toBe(403); // no CSRF token: the page's own refusal, in its language
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('lang="en"');
  });

  it('still answers a bad body with a 400 naming the field, in the request language', async () => {
    const bad = { email: 'not-an-address', phone: '090-1234-5678', lang: 'en', consent: true };
    const en = await t.server.app.inject({ method: 'POST', url: '/api/v1/recovery-requests', payload: bad });
    expect(en.statusCode).toBe(400);
    expect(en.json()).toEqual({ error: 'invalid_request', message: 'email must be an email address', field: 'email' });
    const ja = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      payload: { ...bad, email: 'a@example.com', consent: false, lang: 'ja' },
    });
    expect(ja.statusCode).toBe(400);
    expect(ja.json()).toMatchObject({ error: 'invalid_request', field: 'consent' });
    expect(ja.json<{ message: string }>().message).toMatch(/[ぁ-んァ-ン一-龥]/);
  });
});

// The media stream is mounted only with a carrier (AIZUCHI_TELEPHONY), so its part of the document is read from the plugin alone.
describe('the OpenAPI document of the carrier media stream', () => {
  it('shows the handshake headers it reads, tagged telephony', async () => {
    const app = Fastify();
    try {
      await app.register(websocket);
      await registerOpenApi(app, { title: 't', version: '1' });
      await app.register(mediaStreamPlugin({ events: new TestCarrierEvents({}), logger: createLogger('silent') }));
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<Doc>();
      const op = doc.paths[MEDIA_STREAM_PATH]!.get!;
      expect(op.tags).toEqual(['telephony']);
      expect((op.parameters ?? []).map((p) => `${p.in}:${p.name}`).sort()).toEqual(['header:authorization', 'header:x-twilio-signature']);
    } finally {
      await app.close();
    }
  });
});
