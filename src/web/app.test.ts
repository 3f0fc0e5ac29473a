import { Writable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger';
import { createMetrics } from '../observability/metrics';
import { buildApp } from './app';

function captureLogs() {
  const lines: string[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', dest), text: () => lines.join('') };
}

const routes: FastifyPluginAsync = async (app) => {
  app.get('/api/v1/boom', async () => {
    throw new Error('relation "secret_table" does not exist at /srv/aizuchi/src/store.ts:12');
  });
  app.post('/api/v1/echo', async (req) => ({ got: req.body }));
  app.get('/link', async () => 'ok');
  app.get('/own-policy', async (_req, reply) => reply.header('referrer-policy', 'no-referrer').send('ok'));
};

async function app() {
  const logs = captureLogs();
  const instance = await buildApp({ logger: logs.logger, metrics: createMetrics(), plugins: [routes] });
  return { instance, logs };
}

describe('buildApp error answers', () => {
  it('answers a 500 generically while the log keeps the details', async () => {
    const { instance, logs } = await app();
    const res = await instance.inject({ method: 'GET', url: '/api/v1/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal_error', message: expect.any(String) });
    expect(res.body).not.toContain('secret_table');
    expect(logs.text()).toContain('secret_table');
    await instance.close();
  });

  it('answers malformed JSON, wrong content types and huge bodies with a 4xx JSON error', async () => {
    const { instance } = await app();
    const bad = await instance.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    const wrongType = await instance.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'x',
    });
    expect(wrongType.statusCode).toBe(415);
    const huge = await instance.inject({
      method: 'POST',
      url: '/api/v1/echo',
      headers: { 'content-type': 'application/json' },
      payload: `"${'a'.repeat(100_000)}"`,
    });
    expect(huge.statusCode).toBe(413);
    await instance.close();
  });

  it("answers unknown /api/ routes with JSON 404 and other unknown routes with a page in the reader's language", async () => {
    const { instance } = await app();
    const api = await instance.inject({ method: 'GET', url: '/api/v1/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: 'not_found', message: 'no such endpoint' });
    const page = await instance.inject({ method: 'GET', url: '/nope' });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<html lang="ja">');
    expect(page.body).toContain('ページが見つかりません');
    expect(page.body).toContain('href="/?lang=ja"');
    // An operator who mistyped a console address is sent back to the case list, in English here.
    const consolePage = await instance.inject({ method: 'GET', url: '/console/sesions?lang=en&token=tok_secret' });
    expect(consolePage.statusCode).toBe(404);
    expect(consolePage.body).toContain('Page not found');
    expect(consolePage.body).toContain('href="/console?lang=en"');
    expect(consolePage.body).toContain('href="/console/sesions?lang=ja"');
    expect(consolePage.body).not.toContain('tok_secret');
    const byHeader = await instance.inject({ method: 'GET', url: '/nope', headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(byHeader.body).toContain('Page not found');
    await instance.close();
  });
});

describe('buildApp hardening', () => {
  it('never logs the query string, where links carry tokens and addresses', async () => {
    const { instance, logs } = await app();
    await instance.inject({ method: 'GET', url: '/link?token=tok_should_not_be_logged&to=someone@example.com' });
    expect(logs.text()).toContain('/link');
    expect(logs.text()).not.toContain('tok_should_not_be_logged');
    expect(logs.text()).not.toContain('someone@example.com');
    await instance.close();
  });

  it('forbids framing and sniffing through helmet and keeps a route’s own referrer policy', async () => {
    const { instance } = await app();
    const res = await instance.inject({ method: 'GET', url: '/link' });
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    // From @fastify/helmet, not hand-set: its other defaults come along, on errors and 404s too.
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-dns-prefetch-control']).toBe('off');
    expect(res.headers['content-security-policy']).toBeUndefined();
    const missing = await instance.inject({ method: 'GET', url: '/nowhere' });
    expect([missing.statusCode, missing.headers['x-frame-options']]).toEqual([404, 'DENY']);
    const own = await instance.inject({ method: 'GET', url: '/own-policy' });
    expect(own.headers['referrer-policy']).toBe('no-referrer');
    await instance.close();
  });
});
