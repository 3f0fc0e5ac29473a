import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * Issue 12, "a hand-off from the company's sign-in page": GET /recover?handoff=<JWT> with real signed
 * tokens (HS256 with a shared secret; RS256 against a JWKS served on loopback), through the real
 * server. A good token makes the case `password_verified` with the evidence `signed_handoff`; a
 * forged, tampered, expired, replayed, wrong-audience or too-long-lived one leaves a `low` case with a
 * `handoff_refused` event naming why, and the visitor sees the same page as with no token at all.
 */
const ISSUER = 'https://signin.example.com/';
const AUDIENCE = 'aizuchi';
const SECRET = 'hand-off secret shared with the sign-in page, 32+ chars';
// Monday 2035-12-03 10:00 JST: business hours, years ahead.
const MONDAY_10_JST = new Date('2035-12-03T01:00:00Z');

let seq = 0;
const nextIp = () => `203.0.113.${++seq}`;

function claims(sub: string, email: string, at: Date, over: Record<string, unknown> = {}) {
  const iat = Math.floor(at.getTime() / 1000);
  return { iss: ISSUER, aud: AUDIENCE, sub, email, amr: ['pwd', 'mfa'], iat, exp: iat + 300, jti: `h-${++seq}-${iat}`, ...over };
}
const hs256 = (c: Record<string, unknown>, secret = SECRET) =>
  new SignJWT(c).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));

/** The same token with one claim changed and the signature kept: what a tamperer can make. */
function tampered(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const body = { ...(JSON.parse(Buffer.from(payload!, 'base64url').toString()) as object), ...change };
  return `${header}.${Buffer.from(JSON.stringify(body)).toString('base64url')}.${signature}`;
}

async function customer(t: TestServer, email: string, phone: string) {
  const { account } = await t.services.identity.createAccount({
    email,
    password: 'correct horse battery',
    name: 'Pat Smith',
    phone,
    lang: 'en',
    mfa: true,
  });
  return account;
}

/** Arrives from the sign-in page with `token` (or none), fills in the form, and sends it. */
async function requestWithHandoff(t: TestServer, email: string, phone: string, token?: string) {
  const browser = new InjectBrowser(t.server.app, nextIp());
  let form;
  if (token !== undefined) {
    const arrival = await browser.get(`/recover?lang=en&handoff=${encodeURIComponent(token)}`);
    expect([arrival.statusCode, arrival.headers.location]).toEqual([303, '/recover?lang=en']);
    form = await browser.get(String(arrival.headers.location));
  } else {
    form = await browser.get('/recover?lang=en');
  }
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  const sent = await browser.post('/recover', { email, phone, lang: 'en', consent: 'yes', _csrf: csrf });
  expect(sent.statusCode).toBe(202);
  const row = (await t.services.cases.list({ email })).sort((a, b) => b.created_at.localeCompare(a.created_at))[0];
  const history = await t.services.cases.history(row!.id);
  const opened = JSON.parse(history.find((e) => e.kind === 'case_opened')!.data) as { evidence: string; handoffRefused?: string };
  const refused = history.find((e) => e.kind === 'handoff_refused');
  return {
    form: form.body,
    assurance: row!.assurance,
    evidence: opened.evidence,
    refusedReason: refused ? (JSON.parse(refused.data) as { reason: string }).reason : undefined,
    browser,
  };
}

/** The form without the per-browser CSRF token, to compare pages across browsers. */
const formShape = (body: string) => body.replace(/name="_csrf" value="[^"]+"/, '');

describe('sign-in hand-off with a shared HS256 secret', () => {
  const clock = manualClock(MONDAY_10_JST);
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({
      clock,
      env: {
        AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
        AIZUCHI_HANDOFF_SECRET: SECRET,
        AIZUCHI_HANDOFF_ISSUER: ISSUER,
        AIZUCHI_HANDOFF_AUDIENCE: AUDIENCE,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('a good token pre-fills the form and makes the case password_verified from signed_handoff; the same token again does not', async () => {
    const account = await customer(t, 'handoff-good@example.com', '090-2000-0001');
    const token = await hs256(claims(account.id, 'Handoff-Good@example.com', clock.now()));
    const first = await requestWithHandoff(t, 'handoff-good@example.com', '090-2000-0001', token);
    expect(first.form).toContain('value="handoff-good@example.com"');
    expect(first.form).not.toContain('data-testid="no-password"');
    expect([first.assurance, first.evidence, first.refusedReason]).toEqual(['password_verified', 'signed_handoff', undefined]);

    // The binding served one request: the same browser's next form is a plain one.
    const again = await first.browser.get('/recover?lang=en');
    expect(again.body).toContain('data-testid="no-password"');

    // Replayed a minute later, while it is still unexpired: refused and recorded as such.
    clock.advance(60_000);
    const replay = await requestWithHandoff(t, 'handoff-good@example.com', '090-2000-0001', token);
    expect([replay.assurance, replay.evidence, replay.refusedReason]).toEqual(['low', 'none', 'replayed']);
  });

  it('refuses forged, tampered, expired, wrong-audience, too-long-lived and password-less tokens, each named on its case', async () => {
    const now = () => Math.floor(clock.now().getTime() / 1000);
    const variants: Array<[string, (sub: string, email: string) => Promise<string>]> = [
      ['bad_signature', (s, e) => hs256(claims(s, e, clock.now()), 'not the shared secret but just as long!!')],
      ['bad_signature', async (s, e) => tampered(await hs256(claims('someone-else', e, clock.now())), { sub: s })],
      ['expired', (s, e) => hs256(claims(s, e, clock.now(), { iat: now() - 500, exp: now() - 200 }))],
      ['wrong_audience', (s, e) => hs256(claims(s, e, clock.now(), { aud: 'another-app' }))],
      ['too_long_lived', (s, e) => hs256(claims(s, e, clock.now(), { exp: now() + 86_400 }))],
      ['no_password', (s, e) => hs256(claims(s, e, clock.now(), { amr: ['otp'] }))],
      ['malformed', async () => 'garbage'],
    ];
    const plain = await requestWithHandoff(t, 'handoff-none@example.com', '090-2000-0099');
    for (const [i, [reason, make]] of variants.entries()) {
      const email = `handoff-bad-${i}@example.com`;
      const account = await customer(t, email, `090-2000-01${String(i).padStart(2, '0')}`);
      const result = await requestWithHandoff(t, email, `090-2000-01${String(i).padStart(2, '0')}`, await make(account.id, email));
      expect([reason, result.assurance, result.evidence, result.refusedReason]).toEqual([reason, 'low', 'none', reason]);
      // Nothing on the page tells the visitor the token was looked at.
      expect(formShape(result.form)).toBe(formShape(plain.form));
    }
  });

  it('a binding cookie edited in the browser (another account put in) counts for nothing', async () => {
    const owner = await customer(t, 'handoff-cookie@example.com', '090-2000-0301');
    const victim = await customer(t, 'handoff-cookie-victim@example.com', '090-2000-0302');
    const token = await hs256(claims(owner.id, owner.email, clock.now()));
    const arrival = await t.server.app.inject({ method: 'GET', url: `/recover?lang=en&handoff=${token}`, remoteAddress: nextIp() });
    const cookie = arrival.cookies.find((c) => c.name === 'aizuchi_handoff')!.value;
    const [body, mac] = cookie.split('.');
    const stored = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...stored, s: victim.id, e: victim.email })).toString('base64url');
    const form = await t.server.app.inject({
      method: 'GET',
      url: '/recover?lang=en',
      headers: { cookie: `aizuchi_handoff=${forged}.${mac}` },
      remoteAddress: nextIp(),
    });
    expect(form.body).toContain('data-testid="no-password"');
    expect(form.body).not.toContain(victim.email);
  });

  it('a good token for one account does not vouch for another address typed on the form', async () => {
    const owner = await customer(t, 'handoff-owner@example.com', '090-2000-0201');
    await customer(t, 'handoff-victim@example.com', '090-2000-0202');
    const token = await hs256(claims(owner.id, 'handoff-owner@example.com', clock.now()));
    const result = await requestWithHandoff(t, 'handoff-victim@example.com', '090-2000-0202', token);
    expect([result.assurance, result.evidence, result.refusedReason]).toEqual(['low', 'none', 'account_mismatch']);
  });
});

describe('sign-in hand-off with RS256 keys from a JWKS URL', () => {
  const clock = manualClock(MONDAY_10_JST);
  let t: TestServer;
  let jwks: http.Server;
  let signing: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    signing = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'signin-2035', alg: 'RS256', use: 'sig' };
    jwks = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })),
    );
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    t = await startTestServer({
      clock,
      env: {
        AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
        AIZUCHI_HANDOFF_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
        AIZUCHI_HANDOFF_ISSUER: ISSUER,
        AIZUCHI_HANDOFF_AUDIENCE: AUDIENCE,
      },
    });
  });
  afterAll(async () => {
    await t?.stop();
    await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
  });

  const rs256 = (c: Record<string, unknown>, key = signing) =>
    new SignJWT(c).setProtectedHeader({ alg: 'RS256', kid: 'signin-2035', typ: 'JWT' }).sign(key);

  it('accepts a token signed with the published key and refuses one signed with another key or as HS256', async () => {
    const good = await customer(t, 'jwks-good@example.com', '090-3000-0001');
    const ok = await requestWithHandoff(t, good.email, '090-3000-0001', await rs256(claims(good.id, good.email, clock.now())));
    expect([ok.assurance, ok.evidence]).toEqual(['password_verified', 'signed_handoff']);

    const forged = await customer(t, 'jwks-forged@example.com', '090-3000-0002');
    const other = await generateKeyPair('RS256');
    const bad = await requestWithHandoff(
      t,
      forged.email,
      '090-3000-0002',
      await rs256(claims(forged.id, forged.email, clock.now()), other.privateKey),
    );
    expect([bad.assurance, bad.refusedReason]).toEqual(['low', 'bad_signature']);

    const confused = await customer(t, 'jwks-hs@example.com', '090-3000-0003');
    const hs = await requestWithHandoff(t, confused.email, '090-3000-0003', await hs256(claims(confused.id, confused.email, clock.now())));
    expect([hs.assurance, hs.refusedReason]).toEqual(['low', 'bad_signature']);
  });
});
