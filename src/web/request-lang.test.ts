import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { applyStoredLang, requestLang } from './request-lang';

/** request.lang: the one negotiation (issue 10), set in an onRequest hook for every route and the 404 page. */
describe('request.lang', () => {
  async function app() {
    const a = Fastify();
    await a.register(requestLang);
    a.get('/page', async (req) => ({ lang: req.lang, chosen: req.langChosen }));
    a.get('/dev', { config: { langFallback: 'en' } }, async (req) => ({ lang: req.lang }));
    // What the console gate does once it knows the operator: their stored language, unless ?lang chose.
    a.get('/console', async (req) => {
      applyStoredLang(req, 'en');
      return { lang: req.lang };
    });
    a.setNotFoundHandler(async (req) => ({ notFound: req.lang }));
    return a;
  }
  const get = async (url: string, acceptLanguage?: string) => {
    const a = await app();
    const res = await a.inject({ method: 'GET', url, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
    await a.close();
    return res.json<Record<string, unknown>>();
  };

  it('takes ?lang first, then Accept-Language by q-value, then Japanese', async () => {
    expect(await get('/page?lang=en', 'ja')).toEqual({ lang: 'en', chosen: true });
    expect(await get('/page?lang=fr', 'en-US,en;q=0.9')).toEqual({ lang: 'en', chosen: false });
    expect(await get('/page', 'en;q=0.2, ja;q=0.8')).toEqual({ lang: 'ja', chosen: false });
    expect(await get('/page', 'fr')).toEqual({ lang: 'ja', chosen: false });
    expect(await get('/page')).toEqual({ lang: 'ja', chosen: false });
  });

  it("uses a route's fallback only when the browser names no product language", async () => {
    expect(await get('/dev')).toEqual({ lang: 'en' });
    expect(await get('/dev', 'ja-JP')).toEqual({ lang: 'ja' });
    expect(await get('/dev?lang=ja')).toEqual({ lang: 'ja' });
  });

  it("lets a stored preference replace the browser's language but never the address's", async () => {
    expect(await get('/console', 'ja')).toEqual({ lang: 'en' });
    expect(await get('/console?lang=ja', 'en')).toEqual({ lang: 'ja' });
  });

  it('is set for unknown pages too', async () => {
    expect(await get('/nowhere?lang=en')).toEqual({ notFound: 'en' });
    expect(await get('/nowhere', 'en-GB')).toEqual({ notFound: 'en' });
  });
});
