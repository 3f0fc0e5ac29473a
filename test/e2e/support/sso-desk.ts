import type { Clock } from '../../../src/domain/clock';
import { type OidcPerson, type TestOidcProvider, startOidcProvider } from './oidc-provider';
import { type TestServer, freePort, startTestServer } from './test-server';

/** aizuchi and the company's OpenID Connect provider it signs operators in with, both on loopback. */
export interface SsoDesk {
  idp: TestOidcProvider;
  t: TestServer;
  /** aizuchi's origin, e.g. `http://127.0.0.1:43125` (the provider's redirect URI is `${base}/signin/sso/callback`). */
  base: string;
  /** Stops aizuchi, then the provider. */
  stop(): Promise<void>;
}

export interface SsoDeskOptions {
  /** The people at the provider, by login. */
  people: Record<string, OidcPerson>;
  /** AIZUCHI_OIDC_ROLE_MAP, e.g. `aizuchi-operators=operator`. */
  roleMap: string;
  /** AIZUCHI_OIDC_SCOPES; default `openid email profile groups`. */
  scopes?: string;
  clock: Clock;
  keepWorker?: boolean;
  /** More environment for aizuchi (limits, response floor, …). */
  env?: Record<string, string>;
}

/**
 * A real oidc-provider with one confidential client (`aizuchi-console`) and aizuchi configured to
 * use it. aizuchi listens on a port chosen before it starts, because the provider must know the
 * redirect URI and aizuchi its own public URL up front. Shared by the SSO tests (integration,
 * security and Chromium) so the pairing is written once.
 */
export async function startSsoDesk(o: SsoDeskOptions): Promise<SsoDesk> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const idp = await startOidcProvider({
    clientId: 'aizuchi-console',
    clientSecret: 'console client secret',
    redirectUri: `${base}/signin/sso/callback`,
    people: o.people,
  });
  let t: TestServer;
  try {
    t = await startTestServer({
      clock: o.clock,
      keepWorker: o.keepWorker,
      env: {
        PORT: String(port),
        AIZUCHI_PUBLIC_URL: base,
        AIZUCHI_OIDC_ISSUER: idp.issuer,
        AIZUCHI_OIDC_CLIENT_ID: 'aizuchi-console',
        AIZUCHI_OIDC_CLIENT_SECRET: 'console client secret',
        AIZUCHI_OIDC_SCOPES: o.scopes ?? 'openid email profile groups',
        AIZUCHI_OIDC_ROLE_MAP: o.roleMap,
        ...o.env,
      },
    });
  } catch (err) {
    await idp.close();
    throw err;
  }
  return {
    idp,
    t,
    base,
    async stop() {
      await t.stop();
      await idp.close();
    },
  };
}
