import type { Clock } from '../../domain/clock';
import { IdentityProviderAuthError, IdentityProviderRequestError } from '../provider-errors';
import { type ProviderHttpOptions, providerJson, providerRequest } from '../provider-http';
import { type ProviderRetryOptions, withProviderRetries } from '../provider-retry';

/** Where and as whom aizuchi calls Keycloak (AIZUCHI_KEYCLOAK_*). */
export interface KeycloakSettings {
  /** Base URL, e.g. `https://sso.example.com` (no `/auth` unless the server still serves under it). */
  url: string;
  realm: string;
  /** A confidential client with a service account (client credentials grant). */
  clientId: string;
  clientSecret: string;
}

export interface KeycloakClientDeps extends ProviderHttpOptions {
  settings: KeycloakSettings;
  clock: Clock;
  retry?: ProviderRetryOptions;
}

/** A call's answer: the status and, for 2xx with a body, the parsed JSON. */
export interface KeycloakAnswer<T> {
  status: number;
  body: T | undefined;
}

/** Renew a cached token this long before Keycloak says it expires, so it never expires mid-call. */
const TOKEN_MARGIN_MS = 30_000;

/**
 * The Keycloak Admin REST API as aizuchi uses it: a service-account token from
 * `{url}/realms/{realm}/protocol/openid-connect/token` (client credentials, RFC 6749 §4.4), cached
 * until shortly before `expires_in`, and admin calls under `{url}/admin/realms/{realm}`. A 401 on an
 * admin call (the token expired or the server restarted) fetches a new token once and repeats the
 * call; a second 401, or 403, is an IdentityProviderAuthError. Every call goes through
 * withProviderRetries (5xx, unreachable, 429 with Retry-After). 404 and other 4xx come back as
 * statuses for the caller to read; their bodies are never logged.
 *
 * fetch rather than @keycloak/keycloak-admin-client: about ten documented endpoints, and errors and
 * retries must be typed like every other adapter's, which a generated client would hide.
 */
export function createKeycloakClient(deps: KeycloakClientDeps) {
  const base = deps.settings.url.replace(/\/+$/u, '');
  const realm = encodeURIComponent(deps.settings.realm);
  const tokenUrl = `${base}/realms/${realm}/protocol/openid-connect/token`;
  const adminBase = `${base}/admin/realms/${realm}`;
  let cached: { token: string; renewAt: number } | null = null;

  async function fetchToken(): Promise<string> {
    const response = await providerRequest(
      'keycloak',
      tokenUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: deps.settings.clientId,
          client_secret: deps.settings.clientSecret,
        }).toString(),
      },
      deps,
    );
    // The token endpoint answers a wrong client id or secret with 400/401 {"error":"invalid_client" | "unauthorized_client"}.
    if (response.status === 400) {
      await response.body?.cancel();
      throw new IdentityProviderAuthError('keycloak', 'token endpoint refused the client credentials (400)', { status: 400 });
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new IdentityProviderRequestError('keycloak', `token endpoint answered ${response.status}`, { status: response.status });
    }
    const body = await providerJson<{ access_token?: unknown; expires_in?: unknown }>('keycloak', response);
    if (typeof body.access_token !== 'string' || body.access_token === '') {
      throw new IdentityProviderRequestError('keycloak', 'token endpoint answered without an access_token');
    }
    const ttlMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 60_000;
    cached = { token: body.access_token, renewAt: deps.clock.now().getTime() + Math.max(0, ttlMs - TOKEN_MARGIN_MS) };
    return body.access_token;
  }

  async function token(): Promise<string> {
    if (cached && cached.renewAt > deps.clock.now().getTime()) return cached.token;
    return fetchToken();
  }

  async function once<T>(method: string, path: string, body: unknown, fresh: boolean): Promise<KeycloakAnswer<T>> {
    const bearer = fresh ? await fetchToken() : await token();
    const init: RequestInit = {
      method,
      headers: {
        authorization: `Bearer ${bearer}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    };
    try {
      const response = await providerRequest('keycloak', `${adminBase}${path}`, init, deps);
      if (!response.ok || response.status === 204) {
        await response.body?.cancel();
        return { status: response.status, body: undefined };
      }
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as T) : undefined };
    } catch (err) {
      // An expired or revoked token: one fresh token, one more try. A second 401 is real.
      if (!fresh && err instanceof IdentityProviderAuthError && err.status === 401) return once(method, path, body, true);
      if (err instanceof SyntaxError)
        throw new IdentityProviderRequestError('keycloak', `unreadable JSON answer to ${method}`, { cause: err });
      throw err;
    }
  }

  /**
   * One admin call, `path` relative to `/admin/realms/{realm}` (ids already URL-encoded), retried as
   * documented above. Resolves with any status below 500 other than 401/403/429.
   */
  function admin<T>(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<KeycloakAnswer<T>> {
    return withProviderRetries(() => once<T>(method, path, body, false), deps.retry);
  }

  return { admin };
}

export type KeycloakClient = ReturnType<typeof createKeycloakClient>;
