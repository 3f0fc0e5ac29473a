import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeConsolePath } from '../../src/web/plugins/return-path';
import { manualClock } from '../e2e/support/clocks';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * A deep link to a console page survives sign-in (issue 10 follow-up): the gate remembers the page
 * a signed-out browser asked for, and sign-in returns an operator there. The path must stay on
 * this site and under /console whatever is handed in, as the browser would resolve it.
 */
const OFF_SITE = [
  '//evil.example',
  '//evil.example/console',
  'https://evil.example/console',
  '/console/..//evil.example',
  '/console/x/../..//evil.example/path',
  '/console/%2e%2e//evil.example',
  '/console/%2E%2E/%2E%2E//evil.example',
  '/\\evil.example',
  '/console\\..\\..\\evil.example',
  '/console/\\/evil.example',
  '/\t/evil.example',
  '/console/\n/evil.example',
  '/console/../account',
  '/console/%2e%2e/signin',
  '/consolex',
  'javascript:alert(1)',
  '',
  42,
];

describe('the console return path', () => {
  it.each(OFF_SITE.map((v) => [JSON.stringify(v), v]))('refuses %s', (_shown, value) => {
    expect(safeConsolePath(value)).toBeNull();
  });

  it('keeps a console page and its query, resolved as a browser would (encoded slashes stay in the path)', () => {
    expect(safeConsolePath('/console/cases/1?lang=en')).toBe('/console/cases/1?lang=en');
    expect(safeConsolePath('/console')).toBe('/console');
    expect(safeConsolePath('/console/live/../escalations?x=1#frag')).toBe('/console/escalations?x=1');
    expect(safeConsolePath('/console/%2F%2Fevil.example')).toBe('/console/%2F%2Fevil.example');
    // Whatever comes out resolves to this site.
    for (const v of ['/console/%2F%2Fevil.example', '/console/a/./b']) {
      expect(new URL(safeConsolePath(v)!, 'https://aizuchi.example/signin/mfa').host).toBe('aizuchi.example');
    }
  });
});

describe('signing in returns an operator to the console page asked for', () => {
  const clock = manualClock(new Date('2035-12-03T01:00:00Z'));
  let t: TestServer;
  let operatorUri: string;
  let customerUri: string;
  const HTML = { accept: 'text/html,application/xhtml+xml' };
  const operator = { email: 'return-op@example.com', password: 'operator password' };
  const customer = { email: 'return-cust@example.com', password: 'customer password' };

  beforeAll(async () => {
    t = await startTestServer({ clock });
    operatorUri = (await t.services.identity.createAccount({ ...operator, name: 'Op', phone: '03-1234-5678', role: 'operator', mfa: true }))
      .otpauthUri!;
    customerUri = (await t.services.identity.createAccount({ ...customer, name: 'C', phone: '090-1234-5678', mfa: true })).otpauthUri!;
  });
  afterAll(async () => {
    await t?.stop();
  });

  /** Signs in with password and TOTP half a minute later each time (a TOTP code is accepted once). */
  async function signIn(b: InjectBrowser, who: { email: string; password: string }, uri: string) {
    clock.set(new Date(clock.now().getTime() + 31_000));
    return b.signInWithTotp(who.email, who.password, uri, clock.now());
  }

  it('a deep link opened signed out comes back after password and TOTP, once', async () => {
    const b = new InjectBrowser(t.server.app, '192.0.2.1');
    const asked = await b.get('/console/escalations?lang=ja&view=mine', HTML);
    expect(asked.statusCode).toBe(303);
    expect(asked.headers.location).toBe('/signin?lang=ja');
    const done = await signIn(b, operator, operatorUri);
    expect(done.headers.location).toBe('/console/escalations?lang=ja&view=mine');
    // Used once: the next sign-in lands on the console's front page.
    const again = new InjectBrowser(t.server.app, '192.0.2.1');
    expect((await signIn(again, operator, operatorUri)).headers.location).toBe('/console?lang=en');
  });

  it('a live stream or a form post is not remembered (sign-in would land on a stream or a replayed action)', async () => {
    const b = new InjectBrowser(t.server.app, '192.0.2.1');
    expect((await b.get('/console/live/events', { accept: 'text/event-stream' })).statusCode).toBe(303);
    expect((await signIn(b, operator, operatorUri)).headers.location).toBe('/console?lang=en');
  });

  it.each(OFF_SITE.filter((v): v is string => typeof v === 'string' && v !== '' && !/[\s]/.test(v)))(
    'a return cookie set by hand to %s is ignored: the console front page',
    async (value) => {
      const b = new InjectBrowser(t.server.app, '192.0.2.1');
      b.useCookie('aizuchi_return', encodeURIComponent(value));
      const done = await signIn(b, operator, operatorUri);
      expect(done.headers.location).toBe('/console?lang=en');
    },
  );

  it("a customer's sign-in never goes to a console page", async () => {
    const b = new InjectBrowser(t.server.app, '192.0.2.1');
    await b.get('/console/cases?lang=en', HTML);
    const done = await signIn(b, customer, customerUri);
    expect(done.headers.location).toBe('/account?lang=en');
  });
});
