import { IdentityProviderAuthError } from '../provider-errors';
import { type ProviderHttpOptions, providerJson, providerRequest, unexpectedStatus } from '../provider-http';

/**
 * A Management API v2 client for the few calls aizuchi makes, over fetch. Not the official `auth0`
 * SDK: its ManagementClient hard-wires `https://${domain}/api/v2` as the base URL (and its token
 * provider `https://${domain}/oauth/token`), so the local fake tenant the tests run could only be
 * reached through a fetch shim that rewrites URLs; a direct client is shorter and honest.
 *
 * Sources: Authentication API "Client Credentials Flow" (POST /oauth/token, audience
 * `https://{domain}/api/v2/`), Management API v2 reference (users, users-by-email, roles,
 * authentication-methods, multifactor/actions/invalidate-remember-browser, sessions, refresh-tokens).
 */

export interface Auth0User {
  user_id: string;
  email?: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  phone_number?: string;
  locale?: string;
  user_metadata?: Record<string, unknown>;
  app_metadata?: Record<string, unknown>;
  blocked?: boolean;
  /** ISO-8601 time of the last successful login. */
  last_login?: string;
}

export interface Auth0AuthenticationMethod {
  id: string;
  type: string;
  confirmed?: boolean;
  name?: string;
}

export interface Auth0ApiOptions {
  /** The tenant's base URL, `https://{AIZUCHI_AUTH0_DOMAIN}` or AIZUCHI_AUTH0_API_URL; no trailing slash. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  http: ProviderHttpOptions;
  /** Page size for listed collections; default and maximum 100 (Management API `per_page`). Tests use small pages. */
  perPage?: number;
}

/** Renew the token this long before Auth0 says it expires, so a request never carries a stale one. */
const TOKEN_EARLY_RENEWAL_MS = 60_000;
/** The Management API's largest page (`per_page`). */
const MAX_PER_PAGE = 100;

/**
 * The client: every method resolves to Auth0's own shapes, `null`/`false` where the user or method is
 * gone (404), and rejects with the typed IdentityProviderErrors of provider-http.ts otherwise. No
 * retries here: the adapter wraps each operation in withProviderRetries.
 */
export function createAuth0ManagementApi(options: Auth0ApiOptions) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const perPage = Math.min(MAX_PER_PAGE, options.perPage ?? MAX_PER_PAGE);
  let token: { value: string; renewAt: number } | null = null;

  async function fetchToken(): Promise<string> {
    const res = await providerRequest(
      'auth0',
      `${base}/oauth/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: options.clientId,
          client_secret: options.clientSecret,
          audience: `${base}/api/v2/`,
        }),
      },
      options.http,
    );
    if (!res.ok) return unexpectedStatus('auth0', 'token request', res);
    const body = await providerJson<{ access_token?: unknown; expires_in?: unknown }>('auth0', res);
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      return unexpectedStatus('auth0', 'token request (no access_token)', res);
    }
    token = { value: body.access_token, renewAt: options.http.clock.now().getTime() + body.expires_in * 1000 - TOKEN_EARLY_RENEWAL_MS };
    return token.value;
  }

  /**
   * One Management API call with a cached M2M token; a 401 (the token expired or was revoked early)
   * drops it and tries once more with a fresh one. Other failures are typed by providerRequest.
   */
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    for (let fresh = false; ; fresh = true) {
      const bearer = token && token.renewAt > options.http.clock.now().getTime() ? token.value : await fetchToken();
      try {
        return await providerRequest(
          'auth0',
          `${base}/api/v2/${path}`,
          {
            method,
            headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          },
          options.http,
        );
      } catch (err) {
        if (fresh || !(err instanceof IdentityProviderAuthError) || err.status !== 401) throw err;
        token = null;
      }
    }
  }

  /** A 404: the user is not there. The body is dropped unread. */
  const gone = async (res: Response): Promise<null> => {
    await res.body?.cancel();
    return null;
  };

  const userPath = (userId: string) => `users/${encodeURIComponent(userId)}`;

  /** Every page of an offset-paged list (`page`, `per_page`, `include_totals=true` → `{total, [key]: [...]}`); null on 404. */
  async function listAll<T>(path: string, key: string): Promise<T[] | null> {
    const items: T[] = [];
    for (let page = 0; ; page++) {
      const res = await call('GET', `${path}?page=${page}&per_page=${perPage}&include_totals=true`);
      if (res.status === 404) return gone(res);
      if (!res.ok) return unexpectedStatus('auth0', `GET ${key}`, res);
      const body = await providerJson<{ total?: number } & Record<string, unknown>>('auth0', res);
      const chunk = body[key];
      if (!Array.isArray(chunk)) return unexpectedStatus('auth0', `GET ${key} (no ${key} array)`, res);
      items.push(...(chunk as T[]));
      if (chunk.length < perPage || items.length >= (body.total ?? 0)) return items;
    }
  }

  /** 2xx → true, 404 → false (the user or method is gone), anything else a typed error. */
  async function write(method: string, path: string, what: string, body?: unknown): Promise<boolean> {
    const res = await call(method, path, body);
    await res.body?.cancel();
    if (res.status === 404) return false;
    if (!res.ok) return unexpectedStatus('auth0', what, res);
    return true;
  }

  return {
    /** Users whose email is exactly `email` (Auth0 stores database-connection emails lower-cased). */
    async usersByEmail(email: string): Promise<Auth0User[]> {
      const res = await call('GET', `users-by-email?email=${encodeURIComponent(email)}`);
      if (!res.ok) return unexpectedStatus('auth0', 'GET users-by-email', res);
      const body = await providerJson<unknown>('auth0', res);
      if (!Array.isArray(body)) return unexpectedStatus('auth0', 'GET users-by-email (not an array)', res);
      return body as Auth0User[];
    },
    /** null when the user does not exist (404 inexistent_user). */
    async getUser(userId: string): Promise<Auth0User | null> {
      const res = await call('GET', userPath(userId));
      if (res.status === 404) return gone(res);
      if (!res.ok) return unexpectedStatus('auth0', 'GET user', res);
      return providerJson<Auth0User>('auth0', res);
    },
    /** Names of the user's RBAC roles; null when the user does not exist. */
    async roleNames(userId: string): Promise<string[] | null> {
      const roles = await listAll<{ name: string }>(`${userPath(userId)}/roles`, 'roles');
      return roles && roles.map((r) => r.name);
    },
    authenticationMethods: (userId: string) =>
      listAll<Auth0AuthenticationMethod>(`${userPath(userId)}/authentication-methods`, 'authenticators'),
    /** false when the method (or user) is already gone: a repeated reset finds nothing to delete. */
    deleteAuthenticationMethod: (userId: string, methodId: string) =>
      write('DELETE', `${userPath(userId)}/authentication-methods/${encodeURIComponent(methodId)}`, 'DELETE authentication method'),
    /** PATCH the user: app_metadata keys are merged (null removes one), other fields replaced. false when the user does not exist. */
    updateUser: (userId: string, patch: { app_metadata?: Record<string, unknown>; blocked?: boolean }) =>
      write('PATCH', userPath(userId), 'PATCH user', patch),
    invalidateRememberBrowser: (userId: string) =>
      write('POST', `${userPath(userId)}/multifactor/actions/invalidate-remember-browser`, 'invalidate remembered browsers'),
    /** Deletes every session (Enterprise plans) — 202, the deletion runs shortly after. */
    deleteSessions: (userId: string) => write('DELETE', `${userPath(userId)}/sessions`, 'DELETE sessions'),
    deleteRefreshTokens: (userId: string) => write('DELETE', `${userPath(userId)}/refresh-tokens`, 'DELETE refresh tokens'),
  };
}

export type Auth0ManagementApi = ReturnType<typeof createAuth0ManagementApi>;
