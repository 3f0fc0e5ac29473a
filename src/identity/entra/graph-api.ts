import { IdentityProviderAuthError } from '../provider-errors';
import { type ProviderHttpOptions, providerJson, providerRequest, unexpectedStatus } from '../provider-http';

/**
 * The Microsoft Graph v1.0 calls aizuchi makes, over fetch with an app-only token from the
 * Microsoft identity platform (client credentials, scope `https://graph.microsoft.com/.default`).
 * Not the Graph SDK: its Kiota-based JavaScript client is still a preview, and the older
 * @microsoft/microsoft-graph-client is itself a fetch wrapper that would add a dependency and an
 * auth-provider shim without typing the authentication-method endpoints we need.
 *
 * Sources: learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
 * learn.microsoft.com/graph/api (user-list, user-get, authentication-list-methods, per-type method
 * delete, user-revokesigninsessions, user-list-transitivememberof, user-update), /graph/paging.
 */

export interface GraphUser {
  id: string;
  displayName?: string | null;
  mail?: string | null;
  userPrincipalName?: string | null;
  mobilePhone?: string | null;
  businessPhones?: string[];
  preferredLanguage?: string | null;
  accountEnabled?: boolean;
  signInActivity?: { lastSuccessfulSignInDateTime?: string | null } | null;
  [extension: `extension_${string}`]: unknown;
}

export interface GraphDirectoryObject {
  '@odata.type': string;
  id: string;
  displayName?: string | null;
}

export interface GraphAuthenticationMethod {
  '@odata.type': string;
  id: string;
  displayName?: string | null;
}

export interface GraphApiOptions {
  /** AIZUCHI_ENTRA_TENANT_ID: the directory (tenant) id or a verified domain. */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** AIZUCHI_ENTRA_LOGIN_URL, default https://login.microsoftonline.com. */
  loginUrl: string;
  /** AIZUCHI_ENTRA_GRAPH_URL, default https://graph.microsoft.com. */
  graphUrl: string;
  http: ProviderHttpOptions;
}

const TOKEN_EARLY_RENEWAL_MS = 60_000;

/** Graph's answer to a failed call: `{error: {code, message}}` (learn.microsoft.com/graph/errors). */
export interface GraphFailure {
  status: number;
  code: string;
}

/**
 * The client: Graph's shapes back, `null`/`false`/`'gone'` where the user or method is gone (404),
 * typed IdentityProviderErrors otherwise (provider-http.ts); collections are followed through every
 * @odata.nextLink. No retries here: the adapter wraps each operation in withProviderRetries.
 */
export function createGraphApi(options: GraphApiOptions) {
  const login = options.loginUrl.replace(/\/+$/, '');
  const graph = `${options.graphUrl.replace(/\/+$/, '')}/v1.0/`;
  let token: { value: string; renewAt: number } | null = null;

  async function fetchToken(): Promise<string> {
    const res = await providerRequest(
      'entra',
      `${login}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: options.clientId,
          client_secret: options.clientSecret,
          scope: 'https://graph.microsoft.com/.default',
          grant_type: 'client_credentials',
        }).toString(),
      },
      options.http,
    );
    if (!res.ok) return unexpectedStatus('entra', 'token request', res);
    const body = await providerJson<{ access_token?: unknown; expires_in?: unknown }>('entra', res);
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      return unexpectedStatus('entra', 'token request (no access_token)', res);
    }
    token = { value: body.access_token, renewAt: options.http.clock.now().getTime() + body.expires_in * 1000 - TOKEN_EARLY_RENEWAL_MS };
    return token.value;
  }

  /** A Graph call (path relative to /v1.0/, or an absolute @odata.nextLink); a 401 renews the token once. */
  async function call(method: string, pathOrUrl: string, body?: unknown): Promise<Response> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : graph + pathOrUrl;
    for (let fresh = false; ; fresh = true) {
      const bearer = token && token.renewAt > options.http.clock.now().getTime() ? token.value : await fetchToken();
      try {
        return await providerRequest(
          'entra',
          url,
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

  const gone = async (res: Response): Promise<null> => {
    await res.body?.cancel();
    return null;
  };

  /** Follows @odata.nextLink to the end of a collection; null on 404 (the user is gone). */
  async function listAll<T>(path: string, what: string): Promise<T[] | null> {
    const items: T[] = [];
    for (let next: string | undefined = path; next;) {
      const res = await call('GET', next);
      if (res.status === 404) return gone(res);
      if (!res.ok) return unexpectedStatus('entra', `GET ${what}`, res);
      const body = await providerJson<{ value?: unknown; '@odata.nextLink'?: string }>('entra', res);
      if (!Array.isArray(body.value)) return unexpectedStatus('entra', `GET ${what} (no value array)`, res);
      items.push(...(body.value as T[]));
      next = body['@odata.nextLink'];
    }
    return items;
  }

  const userPath = (id: string) => `users/${encodeURIComponent(id)}`;
  /** An OData string literal: single quotes doubled (OData ABNF, SQUOTE-in-string). */
  const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

  return {
    /** Users whose mail or userPrincipalName is `email` (Graph compares these case-insensitively). */
    usersByEmail: (email: string, select: readonly string[]) =>
      listAll<GraphUser>(
        `users?$filter=${encodeURIComponent(`mail eq ${literal(email)} or userPrincipalName eq ${literal(email)}`)}&$select=${select.join(',')}`,
        'users',
      ).then((users) => users ?? []),
    /** null when the user does not exist (404 Request_ResourceNotFound). */
    async getUser(id: string, select: readonly string[]): Promise<GraphUser | null> {
      const res = await call('GET', `${userPath(id)}?$select=${select.join(',')}`);
      if (res.status === 404) return gone(res);
      if (!res.ok) return unexpectedStatus('entra', 'GET user', res);
      return providerJson<GraphUser>('entra', res);
    },
    memberOf: (id: string) =>
      listAll<GraphDirectoryObject>(`${userPath(id)}/transitiveMemberOf?$select=id,displayName`, 'transitiveMemberOf'),
    authenticationMethods: (id: string) =>
      listAll<GraphAuthenticationMethod>(`${userPath(id)}/authentication/methods`, 'authentication methods'),
    /**
     * DELETE one method under its type's collection (`phoneMethods`, `fido2Methods`, …): true when
     * deleted, 'gone' when Graph no longer has it (404), else the failure (Graph refuses to delete
     * the default method while others remain — 400 — so the caller can order its deletions).
     */
    async deleteMethod(id: string, segment: string, methodId: string): Promise<true | 'gone' | GraphFailure> {
      const res = await call('DELETE', `${userPath(id)}/authentication/${segment}/${encodeURIComponent(methodId)}`);
      if (res.ok || res.status === 404) {
        await res.body?.cancel();
        return res.ok ? true : 'gone';
      }
      const body = await providerJson<{ error?: { code?: unknown } }>('entra', res).catch(() => ({ error: undefined }));
      return { status: res.status, code: typeof body.error?.code === 'string' ? body.error.code : 'unknown' };
    },
    /** Invalidates refresh tokens and session cookies (user-revokesigninsessions); false when the user does not exist. */
    async revokeSignInSessions(id: string): Promise<boolean> {
      const res = await call('POST', `${userPath(id)}/revokeSignInSessions`);
      await res.body?.cancel();
      if (res.status === 404) return false;
      if (!res.ok) return unexpectedStatus('entra', 'POST revokeSignInSessions', res);
      return true;
    },
    async setAccountEnabled(id: string, enabled: boolean): Promise<boolean> {
      const res = await call('PATCH', userPath(id), { accountEnabled: enabled });
      await res.body?.cancel();
      if (res.status === 404) return false;
      if (!res.ok) return unexpectedStatus('entra', 'PATCH user', res);
      return true;
    },
  };
}

export type GraphApi = ReturnType<typeof createGraphApi>;
