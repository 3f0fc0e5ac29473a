import type { Clock } from '../../domain/clock';
import { IdentityProviderAuthError, IdentityProviderRequestError } from '../provider-errors';
import { createOktaOAuthToken } from './okta-oauth';
import { type ProviderHttpOptions, providerRequest } from '../provider-http';
import { type ProviderRetryOptions, withProviderRetries } from '../provider-retry';

/** Where and as whom aizuchi calls Okta (AIZUCHI_OKTA_*): an API token, or an OAuth 2.0 service app. */
export type OktaSettings = {
  /** The org URL, e.g. `https://acme.okta.com`. */
  orgUrl: string;
} & (
  | {
      /** An API token (sent as `SSWS {token}`), created by an admin with the roles the README lists. */
      apiToken: string;
    }
  | {
      /** An API service app signing its token requests with a private key (private_key_jwt). */
      oauth: { clientId: string; privateKeyPem: string; keyId?: string; scopes: string };
    }
);

export interface OktaClientDeps extends ProviderHttpOptions {
  settings: OktaSettings;
  clock: Clock;
  retry?: ProviderRetryOptions;
}

export interface OktaAnswer<T> {
  status: number;
  body: T | undefined;
  /** The `rel="next"` URL of a paged answer (RFC 8288 Link header), when there is a next page. */
  next: string | null;
}

/** The `rel="next"` target of a Link header, e.g. `<https://acme.okta.com/api/v1/users?after=00u1&limit=200>; rel="next"`. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part.trim());
    if (m) return m[1]!;
  }
  return null;
}

/**
 * The Okta Management API (Users, Factors, Groups, Roles) as aizuchi uses it: every request carries
 * `Authorization: SSWS {token}`, or `Bearer` with an OAuth access token (okta-oauth.ts; one refresh on
 * a 401); 429 answers carry X-Rate-Limit-Reset (epoch seconds), honoured by withProviderRetries like
 * every adapter's; 401/403 are otherwise IdentityProviderAuthError. Paged lists follow the Link header, and only
 * to the org's own host (a Link elsewhere is refused: the token must not be sent to another host).
 */
export function createOktaClient(deps: OktaClientDeps) {
  const base = deps.settings.orgUrl.replace(/\/+$/u, '');
  const origin = new URL(base).origin;
  const settings = deps.settings;
  const oauth = 'oauth' in settings ? createOktaOAuthToken({ ...deps, orgUrl: base, oauth: settings.oauth }) : null;

  async function authorization(fresh: boolean): Promise<string> {
    if ('apiToken' in settings) return `SSWS ${settings.apiToken}`;
    return `Bearer ${await oauth!.token(fresh)}`;
  }

  async function once<T>(method: string, url: string, fresh = false): Promise<OktaAnswer<T>> {
    let response: Response;
    try {
      response = await providerRequest(
        'okta',
        url,
        { method, headers: { authorization: await authorization(fresh), accept: 'application/json' } },
        deps,
      );
    } catch (err) {
      // An OAuth access token expired early (or was revoked): one fresh token, one more try.
      if (oauth && !fresh && err instanceof IdentityProviderAuthError && err.status === 401) return once(method, url, true);
      throw err;
    }
    const next = nextLink(response.headers.get('link'));
    if (!response.ok || response.status === 204) {
      await response.body?.cancel();
      return { status: response.status, body: undefined, next };
    }
    const text = await response.text();
    try {
      return { status: response.status, body: text ? (JSON.parse(text) as T) : undefined, next };
    } catch (err) {
      throw new IdentityProviderRequestError('okta', `unreadable JSON answer to ${method}`, { status: response.status, cause: err });
    }
  }

  /** One call, `pathOrUrl` under `/api/v1` or a Link-header URL on the org's host. */
  function api<T>(method: 'GET' | 'POST' | 'DELETE', pathOrUrl: string): Promise<OktaAnswer<T>> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${base}/api/v1${pathOrUrl}`;
    if (new URL(url).origin !== origin) {
      return Promise.reject(new IdentityProviderRequestError('okta', 'a paging link pointed to another host'));
    }
    return withProviderRetries(() => once<T>(method, url), deps.retry);
  }

  return { api };
}

export type OktaClient = ReturnType<typeof createOktaClient>;
