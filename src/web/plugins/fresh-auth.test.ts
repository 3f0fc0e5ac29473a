import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { REAUTH_PATH, requireFreshAuth, safeConsolePath } from './fresh-auth';

const NOW = new Date('2035-12-03T01:00:00Z');

/** A console with one page and one action behind requireFreshAuth; the gate stand-in says when the operator last signed in. */
async function appWith(authAgeSec: number | null, maxAgeSec?: number): Promise<FastifyInstance> {
  const app = Fastify();
  app.decorate('clock', { now: () => NOW });
  app.decorateRequest('operator', null);
  const gate = async (req: { operator: unknown }) => {
    if (authAgeSec !== null)
      req.operator = { id: 'op-1', role: 'operator', authTime: new Date(NOW.getTime() - authAgeSec * 1000), sessionId: 's1' };
  };
  const fresh = requireFreshAuth(maxAgeSec === undefined ? undefined : { maxAgeSec });
  app.get('/console/cases/c1/contact', { preHandler: [gate, fresh] }, async () => 'the full number');
  app.post('/console/cases/c1/reveal', { preHandler: [gate, fresh] }, async () => 'revealed');
  await app.ready();
  return app;
}

describe('requireFreshAuth', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => app?.close());

  it('lets an operator through within five minutes of their last authentication, and sends a GET to re-auth after', async () => {
    app = await appWith(299);
    expect((await app.inject({ method: 'GET', url: '/console/cases/c1/contact' })).body).toBe('the full number');
    await app.close();
    app = await appWith(301);
    const res = await app.inject({ method: 'GET', url: '/console/cases/c1/contact?lang=en', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(303);
    const to = new URL(res.headers.location as string, 'http://x');
    expect(to.pathname).toBe(REAUTH_PATH);
    expect(to.searchParams.get('next')).toBe('/console/cases/c1/contact?lang=en');
    expect(to.searchParams.get('again')).toBeNull();
  });

  it('takes its own limit', async () => {
    app = await appWith(100, 60);
    expect((await app.inject({ method: 'GET', url: '/console/cases/c1/contact' })).statusCode).toBe(303);
  });

  it('does not replay a POST: it returns to the page the form was on and asks for the button again', async () => {
    app = await appWith(3600);
    const res = await app.inject({
      method: 'POST',
      url: '/console/cases/c1/reveal',
      headers: { host: 'console.example', referer: 'http://console.example/console/cases/c1?lang=ja' },
      payload: {},
    });
    expect(res.statusCode).toBe(303);
    const to = new URL(res.headers.location as string, 'http://x');
    expect(to.searchParams.get('next')).toBe('/console/cases/c1?lang=ja');
    expect(to.searchParams.get('again')).toBe('1');
    // A Referer from elsewhere is not a place to return to.
    const other = await app.inject({
      method: 'POST',
      url: '/console/cases/c1/reveal',
      headers: { host: 'console.example', referer: 'https://evil.example/console/x' },
      payload: {},
    });
    expect(new URL(other.headers.location as string, 'http://x').searchParams.get('next')).toBe('/console');
  });

  it('refuses a request the console gate did not let through (403)', async () => {
    app = await appWith(null);
    expect((await app.inject({ method: 'GET', url: '/console/cases/c1/contact' })).statusCode).toBe(403);
  });

  it('returns only to same-site console paths', () => {
    expect(safeConsolePath('/console/cases/1?lang=en')).toBe('/console/cases/1?lang=en');
    expect(safeConsolePath('/console')).toBe('/console');
    for (const bad of ['//evil.example/console', 'https://evil.example/console', '/consolex', '/console\\@evil', '/account', 42])
      expect(safeConsolePath(bad)).toBeNull();
  });
});
