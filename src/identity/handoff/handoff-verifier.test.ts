import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, type JWK, SignJWT, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../domain/clock';
import { type TestStore, openSqliteTestStore } from '../test-stores';
import { type HandoffVerifier, createHandoffVerifier } from './handoff-verifier';
import { type SpentTokens, dbSpentTokens } from './spent-tokens';

const ISSUER = 'https://signin.example.com';
const AUDIENCE = 'aizuchi-recovery';
const SECRET = 'a shared hand-off secret of at least thirty-two bytes';
const NOW = new Date('2035-12-03T01:00:00Z');
const nowSec = Math.floor(NOW.getTime() / 1000);

let current = NOW.getTime();
const clock: Clock = { now: () => new Date(current) };

/** A JWKS endpoint on loopback serving the public half of an RS256 key, counting its fetches. */
async function jwksServer(jwk: JWK) {
  let fetches = 0;
  const server = http.createServer((req, res) => {
    fetches += 1;
    res.writeHead(req.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    fetches: () => fetches,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type Claims = Record<string, unknown>;
const goodClaims = (over: Claims = {}): Claims => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: 'user-0042',
  email: 'Pat@Example.com',
  amr: ['pwd'],
  iat: nowSec - 5,
  exp: nowSec + 295,
  jti: `jti-${Math.random().toString(36).slice(2)}`,
  ...over,
});

async function signRs(key: CryptoKey, claims: Claims, kid = 'k1', alg = 'RS256') {
  return new SignJWT(claims).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
}
async function signHs(claims: Claims, secret = SECRET) {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}
/** A token with `alg: none` and no signature, as an attacker would hand-craft it. */
function unsigned(claims: Claims) {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe('sign-in hand-off tokens', () => {
  let db: TestStore;
  let spent: SpentTokens;
  let rsa: { privateKey: CryptoKey; publicKey: CryptoKey };
  let publicJwk: JWK;
  let jwks: Awaited<ReturnType<typeof jwksServer>>;
  let viaJwks: HandoffVerifier;
  let viaSecret: HandoffVerifier;

  beforeAll(async () => {
    db = await openSqliteTestStore();
    spent = dbSpentTokens(db.store.db, clock);
    rsa = await generateKeyPair('RS256', { extractable: true });
    publicJwk = { ...(await exportJWK(rsa.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = await jwksServer(publicJwk);
    viaJwks = createHandoffVerifier({ keys: { jwksUrl: jwks.url }, issuer: ISSUER, audience: AUDIENCE, spent, clock });
    viaSecret = createHandoffVerifier({ keys: { secret: SECRET }, issuer: ISSUER, audience: AUDIENCE, spent, clock });
  });
  afterAll(async () => {
    await jwks?.close();
    await db?.dispose();
  });
  beforeEach(() => {
    current = NOW.getTime();
  });

  it('accepts an RS256 token verified against the JWKS, once, and caches the key set', async () => {
    const token = await signRs(rsa.privateKey, goodClaims({ sub: 'user-7' }));
    const result = await viaJwks.verify(token);
    expect(result).toEqual({
      ok: true,
      handoff: { subject: 'user-7', email: 'pat@example.com', expiresAt: new Date((nowSec + 295) * 1000) },
    });
    expect(await viaJwks.verify(token)).toEqual({ ok: false, reason: 'replayed' });
    expect((await viaJwks.verify(await signRs(rsa.privateKey, goodClaims()))).ok).toBe(true);
    expect(jwks.fetches()).toBe(1);
  });

  it('accepts an HS256 token signed with the shared secret, once', async () => {
    const token = await signHs(goodClaims());
    expect((await viaSecret.verify(token)).ok).toBe(true);
    expect(await viaSecret.verify(token)).toEqual({ ok: false, reason: 'replayed' });
  });

  it('refuses each kind of bad token with its reason, and spends no jti on a refusal', async () => {
    const other = await generateKeyPair('RS256');
    const jti = 'kept-unspent';
    const cases: Array<[string, Promise<string>, HandoffVerifier, string]> = [
      ['forged (another key, same kid)', signRs(other.privateKey, goodClaims({ jti })), viaJwks, 'bad_signature'],
      ['wrong secret', signHs(goodClaims({ jti }), 'another secret that is also long enough!!'), viaSecret, 'bad_signature'],
      ['alg none', Promise.resolve(unsigned(goodClaims({ jti }))), viaJwks, 'bad_signature'],
      ['HS256 to the JWKS verifier', signHs(goodClaims({ jti })), viaJwks, 'bad_signature'],
      ['wrong issuer', signHs(goodClaims({ jti, iss: 'https://evil.example' })), viaSecret, 'wrong_issuer'],
      ['wrong audience', signHs(goodClaims({ jti, aud: 'another-app' })), viaSecret, 'wrong_audience'],
      ['expired', signHs(goodClaims({ jti, iat: nowSec - 400, exp: nowSec - 100 })), viaSecret, 'expired'],
      ['issued over 10 minutes ago', signHs(goodClaims({ jti, iat: nowSec - 700, exp: nowSec - 200 + 300 })), viaSecret, 'expired'],
      ['lives longer than 10 minutes', signHs(goodClaims({ jti, iat: nowSec - 5, exp: nowSec + 3600 })), viaSecret, 'too_long_lived'],
      ['issued in the future', signHs(goodClaims({ jti, iat: nowSec + 120, exp: nowSec + 300 })), viaSecret, 'not_yet_valid'],
      ['no amr', signHs(goodClaims({ jti, amr: undefined })), viaSecret, 'no_password'],
      ['amr without pwd', signHs(goodClaims({ jti, amr: ['otp'] })), viaSecret, 'no_password'],
      ['no email', signHs(goodClaims({ jti, email: undefined })), viaSecret, 'missing_claim'],
      ['no jti', signHs(goodClaims({ jti: undefined })), viaSecret, 'missing_claim'],
      ['no sub', signHs(goodClaims({ jti, sub: undefined })), viaSecret, 'missing_claim'],
      ['not a JWT', Promise.resolve('not-a-token'), viaSecret, 'malformed'],
    ];
    for (const [name, token, verifier, reason] of cases) {
      expect([name, await verifier.verify(await token)]).toEqual([name, { ok: false, reason }]);
    }
    // None of the refusals used the id up: a good token with it still passes.
    expect(await viaSecret.verify(await signHs(goodClaims({ jti })))).toMatchObject({ ok: true });
  });

  it('allows 30 seconds of clock skew and no more', async () => {
    const token = await signHs(goodClaims({ iat: nowSec - 300, exp: nowSec - 20 }));
    expect((await viaSecret.verify(token)).ok).toBe(true);
    const late = await signHs(goodClaims({ iat: nowSec - 300, exp: nowSec - 40 }));
    expect(await viaSecret.verify(late)).toEqual({ ok: false, reason: 'expired' });
  });

  it('says keys_unavailable when the JWKS cannot be fetched', async () => {
    const gone = await jwksServer(publicJwk);
    await gone.close();
    const verifier = createHandoffVerifier({ keys: { jwksUrl: gone.url }, issuer: ISSUER, audience: AUDIENCE, spent, clock });
    expect(await verifier.verify(await signRs(rsa.privateKey, goodClaims()))).toEqual({ ok: false, reason: 'keys_unavailable' });
  });

  it('keeps a spent id until its token expires (plus the skew), and prunes it after', async () => {
    const token = await signHs(goodClaims({ jti: 'prune-me', iat: nowSec - 5, exp: nowSec + 60 }));
    expect((await viaSecret.verify(token)).ok).toBe(true);
    current = NOW.getTime() + 60_000;
    await spent.prune();
    expect(await viaSecret.verify(token)).toEqual({ ok: false, reason: 'replayed' });
    current = NOW.getTime() + 100_000;
    expect(await spent.prune()).toBeGreaterThanOrEqual(1);
    const rows = await db.store.db.selectFrom('handoff_spent_jti').selectAll().execute();
    expect(rows.some((r) => r.expires_at <= clock.now().toISOString())).toBe(false);
    // Past the tolerance the token is refused as expired, not accepted again.
    expect(await viaSecret.verify(token)).toEqual({ ok: false, reason: 'expired' });
  });
});
