import * as oidc from 'openid-client';
import { AizuchiError } from '../../domain/errors';
import type { Config } from '../../config';
import { type ConsoleRole, roleFromClaims } from '../../domain/console-roles';

/** Settings for operator sign-in through the company's OpenID Connect provider: config's `oidc`, field by field documented there. */
export type OidcSettings = NonNullable<Config['oidc']>;

/** What the browser must bring back to the callback: kept in a signed cookie between the two legs. */
export interface OidcFlow {
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** The person the provider vouched for, and the console role their groups map to (null: none). */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  role: ConsoleRole | null;
  /** The ID token's `auth_time`: when the person last authenticated at the provider; null when absent. */
  authTime: Date | null;
}

/** The provider could not be reached or answered wrongly (discovery, token endpoint): worth a retry. */
export class OidcProviderError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'oidc_provider_unavailable', retryable: true, cause: options?.cause });
  }
}

/** The browser's answer does not check out (state, nonce, PKCE, signature, an error from the provider). */
export class OidcCallbackError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'oidc_callback_refused', retryable: false, cause: options?.cause });
  }
}

export interface OidcSignIn {
  /**
   * A fresh PKCE verifier, state and nonce, and the provider's authorization URL for them.
   * `reauthenticate`: ask the provider to make the person log in again now (`prompt=login`,
   * `max_age=0`, OpenID Connect Core 1.0 §3.1.2.1), so the ID token's auth_time is fresh.
   */
  start(opts?: { reauthenticate?: boolean }): Promise<{ url: URL; flow: OidcFlow }>;
  /**
   * Redeems the code in `callbackUrl` (the full URL the browser came back to) with the flow's checks,
   * verifies the ID token (signature, iss, aud, exp, nonce) and maps the role claim.
   * Throws OidcCallbackError for a bad answer, OidcProviderError when the provider is unreachable.
   */
  finish(callbackUrl: URL, flow: OidcFlow): Promise<OidcIdentity>;
}

const isLoopbackUrl = (url: URL) => ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

/**
 * Authorization code flow with PKCE (S256), state and nonce through openid-client v6 (OpenID Connect
 * Core 1.0 §3.1; RFC 7636). The provider's metadata is discovered on first use and kept; a failed
 * discovery is retried on the next sign-in rather than failing the server's start. Plain-http
 * issuers are allowed only on loopback (tests, a sidecar).
 */
export function createOidcSignIn(s: OidcSettings): OidcSignIn {
  let configuration: Promise<oidc.Configuration> | null = null;
  const issuerUrl = new URL(s.issuer);

  function discovered(): Promise<oidc.Configuration> {
    configuration ??= oidc
      .discovery(
        issuerUrl,
        s.clientId,
        s.clientSecret,
        s.clientSecret ? oidc.ClientSecretBasic(s.clientSecret) : oidc.None(),
        issuerUrl.protocol === 'http:' && isLoopbackUrl(issuerUrl)
          ? { execute: [oidc.allowInsecureRequests], timeout: 10 }
          : { timeout: 10 },
      )
      .catch((err: unknown) => {
        configuration = null;
        throw new OidcProviderError('OpenID Connect discovery failed', { cause: err });
      });
    return configuration;
  }

  return {
    async start(opts) {
      const config = await discovered();
      const flow: OidcFlow = { codeVerifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: s.redirectUri,
        scope: s.scopes,
        code_challenge: await oidc.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
        ...(opts?.reauthenticate ? { prompt: 'login', max_age: '0' } : {}),
      });
      return { url, flow };
    },

    async finish(callbackUrl, flow) {
      const config = await discovered();
      let claims: oidc.IDToken | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
      } catch (err) {
        // Network failures are the provider's; everything else is an answer that did not check out.
        if (err instanceof TypeError || (err as { code?: unknown }).code === 'OAUTH_TIMEOUT') {
          throw new OidcProviderError('the OpenID Connect token endpoint could not be reached', { cause: err });
        }
        throw new OidcCallbackError('the OpenID Connect sign-in did not verify', { cause: err });
      }
      if (!claims) throw new OidcCallbackError('the provider returned no ID token');
      const record = claims as Record<string, unknown>;
      return {
        issuer: claims.iss,
        subject: claims.sub,
        // An address the provider says it did not verify is whatever the person typed into their
        // profile: it may be a colleague's, so it never names the person (manual recovery's rules).
        email: typeof record.email === 'string' && record.email_verified !== false ? record.email : null,
        name: typeof record.name === 'string' ? record.name : null,
        role: roleFromClaims(record, s.roleClaim, s.roleMap),
        authTime: typeof claims.auth_time === 'number' ? new Date(claims.auth_time * 1000) : null,
      };
    },
  };
}
