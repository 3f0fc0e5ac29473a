import { randomUUID } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import type { Clock } from '../../domain/clock';
import { IdentityProviderAuthError, IdentityProviderRequestError } from '../provider-errors';
import { type ProviderHttpOptions, providerJson, providerRequest } from '../provider-http';

/** Renew a cached token this long before it expires. */
const TOKEN_MARGIN_MS = 30_000;
/** The client assertion's lifetime; Okta accepts at most one hour. */
const ASSERTION_TTL_SEC = 300;

/**
 * Access tokens for an Okta API service app (OAuth 2.0 client credentials with private_key_jwt,
 * RFC 7523): a client assertion signed RS256 with the app's private key (`iss` = `sub` = client id,
 * `aud` = the token URL, a fresh `jti`, five minutes), posted to `{org}/oauth2/v1/token` with the
 * `okta.*` scopes; the answer's access token is cached until shortly before `expires_in`.
 */
export function createOktaOAuthToken(
  deps: ProviderHttpOptions & {
    clock: Clock;
    orgUrl: string;
    oauth: { clientId: string; privateKeyPem: string; keyId?: string; scopes: string };
  },
) {
  const tokenUrl = `${deps.orgUrl}/oauth2/v1/token`;
  let key: Promise<CryptoKey> | null = null;
  let cached: { token: string; renewAt: number } | null = null;

  async function assertion(): Promise<string> {
    key ??= importPKCS8(deps.oauth.privateKeyPem, 'RS256').catch((err: unknown) => {
      key = null;
      throw new IdentityProviderAuthError('okta', 'AIZUCHI_OKTA_PRIVATE_KEY is not an RSA private key in PKCS #8 PEM', { cause: err });
    });
    const now = Math.floor(deps.clock.now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', ...(deps.oauth.keyId ? { kid: deps.oauth.keyId } : {}) })
      .setIssuer(deps.oauth.clientId)
      .setSubject(deps.oauth.clientId)
      .setAudience(tokenUrl)
      .setIssuedAt(now)
      .setExpirationTime(now + ASSERTION_TTL_SEC)
      .setJti(randomUUID())
      .sign(await key);
  }

  async function fetchToken(): Promise<string> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: deps.oauth.scopes,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(),
    });
    const response = await providerRequest(
      'okta',
      tokenUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: body.toString(),
      },
      deps,
    );
    // invalid_client / invalid_scope / unauthorized_client come back as 400.
    if (response.status === 400) {
      await response.body?.cancel();
      throw new IdentityProviderAuthError('okta', 'token endpoint refused the client assertion or scopes (400)', { status: 400 });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new IdentityProviderRequestError('okta', `token endpoint answered ${response.status}`, { status: response.status });
    }
    const answer = await providerJson<{ access_token?: unknown; expires_in?: unknown }>('okta', response);
    if (typeof answer.access_token !== 'string' || !answer.access_token) {
      throw new IdentityProviderRequestError('okta', 'token endpoint answered without an access_token');
    }
    const ttlMs = typeof answer.expires_in === 'number' ? answer.expires_in * 1000 : 60_000;
    cached = { token: answer.access_token, renewAt: deps.clock.now().getTime() + Math.max(0, ttlMs - TOKEN_MARGIN_MS) };
    return answer.access_token;
  }

  return {
    /** A current access token; `fresh` fetches a new one whatever the cache holds. */
    async token(fresh = false): Promise<string> {
      if (!fresh && cached && cached.renewAt > deps.clock.now().getTime()) return cached.token;
      return fetchToken();
    },
  };
}
