import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/domain/clock';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

// Browsers that used to get different languages from /signin (q-values) and /recover (first tag only).
const BROWSERS = [
  'en-US,en;q=0.9,ja;q=0.5',
  'ja,en;q=0.9',
  'fr-FR,fr;q=0.9,en;q=0.8',
  'de, en',
  'en;q=0.2, ja;q=0.8',
  'en;q=0, fr',
  'EN-gb',
  '',
];

describe('/signin and /recover pick the same language for the same browser', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ clock: systemClock });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const pageLang = async (url: string, acceptLanguage: string): Promise<string> => {
    const res = await t.server.app.inject({ method: 'GET', url, headers: acceptLanguage ? { 'accept-language': acceptLanguage } : {} });
    expect(res.statusCode).toBe(200);
    return /<html lang="([a-z]+)"/.exec(res.body)?.[1] ?? 'missing';
  };

  it.each(BROWSERS)('Accept-Language %j', async (header) => {
    const signin = await pageLang('/signin', header);
    expect(await pageLang('/recover', header)).toBe(signin);
  });

  it('follows q-values on /recover, as /signin always did', async () => {
    expect(await pageLang('/recover', 'fr-FR,fr;q=0.9,en;q=0.8')).toBe('en');
    expect(await pageLang('/recover', 'en;q=0.2, ja;q=0.8')).toBe('ja');
  });

  it('lets ?lang= win over the browser on both pages', async () => {
    expect(await pageLang('/signin?lang=ja', 'en')).toBe('ja');
    expect(await pageLang('/recover?lang=ja', 'en')).toBe('ja');
  });
});
