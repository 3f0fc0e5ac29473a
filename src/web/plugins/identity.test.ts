import crypto from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IdentityService, createIdentityService } from '../../identity/service';
import { type TestStore, openSqliteTestStore } from '../../identity/test-stores';
import { totpCode } from '../../identity/totp';
import { createLogger } from '../../observability/logger';
import { createMetrics } from '../../observability/metrics';
import { deriveKeys } from '../../security/keys';
import { buildApp } from '../app';
import { type IdentityWeb, createIdentityWeb } from './identity';

/** A tiny browser: keeps cookies between requests and finds the form's CSRF token. */
class Browser {
  cookies = new Map<string, string>();
  constructor(
    private app: FastifyInstance,
    private headers: Record<string, string> = {},
  ) {}

  private remember(res: LightMyRequestResponse) {
    for (const c of res.cookies) {
      // Cleared cookies expire in 1970; real expiry follows the test clock, not this machine's.
      const expired = c.expires !== undefined && new Date(c.expires).getTime() < Date.UTC(2000, 0, 1);
      if (c.value === '' || expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(url: string) {
    const res = await this.app.inject({ method: 'GET', url, headers: { ...this.headers, cookie: this.cookieHeader() } });
    this.remember(res);
    return res;
  }

  async post(url: string, fields: Record<string, string>) {
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { ...this.headers, cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    this.remember(res);
    return res;
  }

  /** GET a page and POST its form with the page's CSRF token. */
  async submit(pageUrl: string, actionUrl: string, fields: Record<string, string>) {
    const page = await this.get(pageUrl);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on ${pageUrl} (status ${page.statusCode})`);
    return this.post(actionUrl, { ...fields, _csrf: token });
  }
}

describe('identity web flow', () => {
  let testStore: TestStore;
  let identity: IdentityService;
  let web: IdentityWeb;
  let app: FastifyInstance;
  let now: Date;

  const customer = { email: 'taro@example.com', password: 'correct horse', name: '山田 太郎', phone: '090-1234-5678' };
  const secretOf = (uri: string | undefined) => new URL(uri ?? '').searchParams.get('secret') ?? '';

  async function start(publicUrl = 'http://localhost:3000') {
    testStore = await openSqliteTestStore();
    now = new Date('2025-06-02T01:00:05Z');
    const clock = { now: () => now };
    const keys = deriveKeys(crypto.randomBytes(32));
    identity = createIdentityService({
      store: testStore.store,
      keys,
      clock,
      logger: createLogger('silent'),
      limits: { loginFailuresPer15Min: 5 },
    });
    web = createIdentityWeb({ identity, clock, csrfKey: keys.tokenHmac, publicUrl });
    const consoleStub: FastifyPluginAsync = async (a) => {
      a.get('/console', { preHandler: web.requireOperator }, async (request) => ({ operator: request.operator }));
      a.get('/session', async (request) => (await web.readSession(request)) ?? { none: true });
    };
    app = await buildApp({ logger: createLogger('silent'), metrics: createMetrics(), plugins: [web.plugin, consoleStub] });
  }

  beforeEach(async () => {
    await start();
  });
  afterEach(async () => {
    await app.close();
    await testStore.dispose();
  });

  const signIn = (b: Browser, email: string, password: string) => b.submit('/signin', '/signin', { email, password });

  it('signs in with password then TOTP; the prompt offers recovery; wrong codes fail; then the account page', async () => {
    const { otpauthUri } = await identity.createAccount({ ...customer, mfa: true });
    const b = new Browser(app);

    const wrong = await signIn(b, customer.email, 'wrong horse');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain('メールアドレスまたはパスワードが正しくありません。');

    const ok = await signIn(b, ' TARO@example.com ', customer.password);
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/signin/mfa?lang=ja');
    const session = JSON.parse((await b.get('/session')).body);
    expect(session).toEqual({ accountId: expect.any(String), stage: 'password', passwordVerifiedAt: now.toISOString() });

    // Half signed in is not signed in.
    expect((await b.get('/account')).headers.location).toBe('/signin?lang=ja');

    const prompt = await b.get('/signin/mfa');
    expect(prompt.statusCode).toBe(200);
    expect(prompt.body).toContain('<a id="recover-link" href="/recover?lang=ja">多要素認証（MFA）のデバイスを使用できない場合</a>');

    const badCode = await b.submit('/signin/mfa', '/signin/mfa', {
      code: '000000' === totpCode(secretOf(otpauthUri), now) ? '111111' : '000000',
    });
    expect(badCode.statusCode).toBe(401);
    expect(badCode.body).toContain('コードが正しくありません。');

    const good = await b.submit('/signin/mfa', '/signin/mfa', { code: totpCode(secretOf(otpauthUri), now) });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/account?lang=ja');
    const home = await b.get('/account');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('data-enabled="1"');
    expect(home.body).toContain('+81 90-****-5678');
    expect(home.body).not.toContain('090-1234-5678');
    expect(JSON.parse((await b.get('/session')).body).stage).toBe('full');
  });

  it('shows the English recover link when asked for English', async () => {
    await identity.createAccount({ ...customer, mfa: true });
    const b = new Browser(app, { 'accept-language': 'en-US,en;q=0.9,ja;q=0.5' });
    const ok = await signIn(b, customer.email, customer.password);
    expect(ok.headers.location).toBe('/signin/mfa?lang=en');
    const prompt = await b.get('/signin/mfa?lang=en');
    expect(prompt.body).toContain('<html lang="en">');
    expect(prompt.body).toContain('href="/recover?lang=en">Can&#39;t use your MFA device?</a>');
  });

  it('answers empty or malformed entries in the page language without spending an attempt, with a language switch', async () => {
    const { otpauthUri } = await identity.createAccount({ ...customer, mfa: true });
    const b = new Browser(app);
    const empty = await b.submit('/signin?lang=en', '/signin?lang=en', { email: customer.email, password: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Please enter your email address and password.');
    expect(empty.body).toContain('value="taro@example.com"');
    expect(empty.body).toContain('href="/signin?lang=ja" hreflang="ja" lang="ja">日本語</a>');
    expect((await signIn(b, customer.email, customer.password)).headers.location).toBe('/signin/mfa?lang=ja');
    const prompt = await b.get('/signin/mfa?lang=ja');
    expect(prompt.body).toContain('<h1>多要素認証（MFA）</h1>');
    expect(prompt.body).toContain('href="/signin/mfa?lang=en" hreflang="en" lang="en">English</a>');
    for (let i = 0; i < 6; i++) {
      const malformed = await b.submit('/signin/mfa?lang=ja', '/signin/mfa?lang=ja', { code: '12ab' });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.body).toContain('認証アプリに表示されている6桁の数字を入力してください。');
    }
    // Six malformed tries were not counted against the five-wrong-codes limit.
    const good = await b.submit('/signin/mfa?lang=ja', '/signin/mfa?lang=ja', { code: totpCode(secretOf(otpauthUri), now) });
    expect(good.statusCode).toBe(303);
  });

  it('limits wrong codes: after five, even the right code gets "too many attempts"', async () => {
    const { otpauthUri } = await identity.createAccount({ ...customer, mfa: true });
    const b = new Browser(app, { 'accept-language': 'en' });
    await signIn(b, customer.email, customer.password);
    const wrongCode = totpCode(secretOf(otpauthUri), new Date(now.getTime() + 5 * 60_000));
    for (let i = 0; i < 5; i++) expect((await b.submit('/signin/mfa', '/signin/mfa', { code: wrongCode })).statusCode).toBe(401);
    const limited = await b.submit('/signin/mfa', '/signin/mfa', { code: totpCode(secretOf(otpauthUri), now) });
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Too many attempts');
    expect(JSON.parse((await b.get('/session')).body).stage).toBe('password');
  });

  it('limits wrong passwords and answers unknown accounts exactly like wrong passwords', async () => {
    await identity.createAccount(customer);
    const b = new Browser(app);
    const unknown = await signIn(b, 'ghost@example.com', 'whatever1');
    const wrong = await signIn(b, customer.email, 'whatever1');
    expect(unknown.statusCode).toBe(wrong.statusCode);
    expect(unknown.body.replace('ghost@example.com', customer.email)).toBe(wrong.body);
    for (let i = 0; i < 4; i++) await signIn(b, customer.email, 'whatever1');
    const limited = await signIn(b, customer.email, customer.password);
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('試行回数が多すぎます');
  });

  it('refuses a form without a valid CSRF token', async () => {
    await identity.createAccount(customer);
    const b = new Browser(app);
    await b.get('/signin');
    const res = await b.post('/signin', { email: customer.email, password: customer.password, _csrf: 'forged' });
    expect(res.statusCode).toBe(403);
    expect(b.cookies.has('aizuchi_session')).toBe(false);
  });

  it('enrols an authenticator from the account page with a QR code, confirmed by a current code', async () => {
    await identity.createAccount(customer);
    const b = new Browser(app);
    const ok = await signIn(b, customer.email, customer.password);
    expect(ok.headers.location).toBe('/account?lang=ja');
    expect((await b.get('/account')).body).toContain('data-enabled="0"');

    const enroll = await b.get('/account/mfa');
    expect(enroll.body).toMatch(/<svg[^>]*>/);
    const key = (/id="manual-key">([^<]+)</.exec(enroll.body)?.[1] ?? '').replace(/ /g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    // A reload shows the same secret, so a scanned code stays valid.
    expect((await b.get('/account/mfa')).body).toContain(`id="manual-key">${key.replace(/(.{4})/g, '$1 ').trim()}<`);

    const bad = await b.submit('/account/mfa', '/account/mfa', { code: totpCode(key, new Date(now.getTime() + 300_000)) });
    expect(bad.statusCode).toBe(400);
    const good = await b.submit('/account/mfa', '/account/mfa', { code: totpCode(key, now) });
    expect(good.statusCode).toBe(303);
    expect(good.headers.location).toBe('/account?lang=ja&enrolled=1');
    expect((await b.get('/account?enrolled=1')).body).toContain('data-enabled="1"');
    expect(await identity.findAccountByEmail(customer.email)).toMatchObject({ mfaEnabled: true });
  });

  it('forces enrolment of a new device at the next sign-in after an MFA reset', async () => {
    const { account, otpauthUri } = await identity.createAccount({ ...customer, mfa: true });
    const b = new Browser(app);
    await signIn(b, customer.email, customer.password);
    await b.submit('/signin/mfa', '/signin/mfa', { code: totpCode(secretOf(otpauthUri), now) });
    expect((await b.get('/account')).statusCode).toBe(200);

    await identity.removeMfaAndRequireNewDevice(account.id);
    await identity.revokeSessions(account.id);
    expect((await b.get('/account')).headers.location).toBe('/signin?lang=ja');

    now = new Date(now.getTime() + 60_000);
    const ok = await signIn(b, customer.email, customer.password);
    expect(ok.headers.location).toBe('/signin/enroll?lang=ja');
    // Nothing else until a device is enrolled.
    expect((await b.get('/account')).headers.location).toBe('/signin?lang=ja');
    expect((await b.get('/signin/mfa')).headers.location).toBe('/signin?lang=ja');

    const enroll = await b.get('/signin/enroll');
    expect(enroll.body).toContain('新しい認証アプリの登録が必要です');
    const key = (/id="manual-key">([^<]+)</.exec(enroll.body)?.[1] ?? '').replace(/ /g, '');
    expect(key).not.toBe(secretOf(otpauthUri));
    const done = await b.submit('/signin/enroll', '/signin/enroll', { code: totpCode(key, now) });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/account?lang=ja');
    expect(await identity.getAccount(account.id)).toMatchObject({ mfaEnabled: true, mfaEnrollRequired: false });
    expect((await b.get('/account')).body).toContain('data-enabled="1"');
  });

  it('sends operators to the console and keeps customers out of it', async () => {
    const op = await identity.createAccount({ ...customer, email: 'op@example.com', role: 'operator', mfa: true });
    await identity.createAccount(customer);
    expect((await new Browser(app).get('/console')).headers.location).toBe('/signin?lang=ja');

    const ob = new Browser(app);
    await signIn(ob, 'op@example.com', customer.password);
    const done = await ob.submit('/signin/mfa', '/signin/mfa', { code: totpCode(secretOf(op.otpauthUri), now) });
    expect(done.headers.location).toBe('/console?lang=ja');
    // The gate decorates the request with who passed: the account, its role (admin without a role store) and the session.
    const passed = (JSON.parse((await ob.get('/console')).body) as { operator: Record<string, unknown> }).operator;
    expect(passed).toMatchObject({ id: op.account.id, role: 'admin', authTime: now.toISOString() });
    expect(passed.sessionId).toMatch(/^[A-Za-z0-9_-]{16}$/);

    const cb = new Browser(app);
    await signIn(cb, customer.email, customer.password);
    expect((await cb.get('/console')).statusCode).toBe(403);
  });

  it('sends the site root to sign-in', async () => {
    const res = await new Browser(app).get('/');
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/signin');
  });

  it('signs out, ending the session', async () => {
    await identity.createAccount(customer);
    const b = new Browser(app);
    await signIn(b, customer.email, customer.password);
    const token = b.cookies.get('aizuchi_session') ?? '';
    const out = await b.submit('/account', '/signout', {});
    expect(out.headers.location).toBe('/signin?lang=ja&signedout=1');
    expect(await identity.sessions.read(token)).toBeNull();
    expect((await b.get('/account')).headers.location).toBe('/signin?lang=ja');
  });

  it('a sign-out without a valid form field asks to confirm, and only the confirm form signs out', async () => {
    await identity.createAccount(customer);
    const b = new Browser(app);
    await signIn(b, customer.email, customer.password);
    const token = b.cookies.get('aizuchi_session') ?? '';
    // A page rendered without the field (or a stale one): not a dead end, and not a sign-out either.
    const bare = await b.post('/signout?lang=en', {});
    expect(bare.statusCode).toBe(403);
    expect(bare.body).toContain('Sign out?');
    expect(bare.body).toContain('data-testid="signout-confirm"');
    expect(await identity.sessions.read(token)).not.toBeNull();
    expect((await b.post('/signout', { _csrf: 'x'.repeat(64) })).statusCode).toBe(403);
    expect(await identity.sessions.read(token)).not.toBeNull();
    // The confirmation (also GET /signout, typed by hand) carries a field that works.
    const out = await b.submit('/signout?lang=ja', '/signout?lang=ja', {});
    expect(out.headers.location).toBe('/signin?lang=ja&signedout=1');
    expect(await identity.sessions.read(token)).toBeNull();
    expect((await b.get('/signout?lang=ja')).body).toContain('サインアウトしますか？');
  });

  it('issues a new session token at sign-in and ends the one the browser held before', async () => {
    await identity.createAccount(customer);
    const planted = await identity.sessions.create(
      (await identity.createAccount({ ...customer, email: 'other@example.com' })).account.id,
      'password',
      now,
    );
    const b = new Browser(app);
    b.cookies.set('aizuchi_session', planted.token);
    await signIn(b, customer.email, customer.password);
    const token = b.cookies.get('aizuchi_session') ?? '';
    expect(token).not.toBe(planted.token);
    expect(await identity.sessions.read(planted.token)).toBeNull();
    expect((await b.get('/account')).body).toContain('山田 太郎');
  });

  it('sets HttpOnly, SameSite=Lax cookies, Secure under https', async () => {
    await app.close();
    await testStore.dispose();
    await start('https://help.example.com');
    await identity.createAccount(customer);
    const b = new Browser(app);
    const res = await signIn(b, customer.email, customer.password);
    const cookie = res.cookies.find((c) => c.name === 'aizuchi_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: true, path: '/' });
  });
});
