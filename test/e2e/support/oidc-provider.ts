import http from 'node:http';
import Provider, { type OidcContext } from 'oidc-provider';
import type { HttpBrowser } from './http-browser';
import { freePort } from './test-server';

/** A person at the company's identity provider: their id (typed on its login page) and claims. */
export interface OidcPerson {
  email: string;
  /** The provider's `email_verified` claim (default true): false for an address the person typed into their profile. */
  emailVerified?: boolean;
  name: string;
  groups: string[];
}

export interface TestOidcProvider {
  issuer: string;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1, with one confidential client whose
 * redirect URI is aizuchi's callback. Its development login page takes any password for a known
 * login (the person's id); consent is granted for the first-party client without a prompt, as a
 * company's own IdP does for its own apps. ID tokens carry `email`, `name` and `groups`.
 */
export async function startOidcProvider(o: {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  people: Record<string, OidcPerson>;
}): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: o.clientId,
        client_secret: o.clientSecret,
        redirect_uris: [o.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    scopes: ['openid', 'email', 'profile', 'groups'],
    // The claims go into the ID token itself (not only userinfo), as most company IdPs configure groups.
    conformIdTokenClaims: false,
    async findAccount(_ctx, id) {
      const person = o.people[id];
      if (!person) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: id,
          email: person.email,
          email_verified: person.emailVerified ?? true,
          name: person.name,
          groups: person.groups,
        }),
      };
    },
    async loadExistingGrant(ctx: OidcContext) {
      const { client, session, result } = ctx.oidc;
      const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test-cookie-key-for-the-local-provider'] },
  });
  const server = http.createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Answers the provider's development login page (already loaded in `browser`) as `login`, with any
 * password, and follows the redirects back; returns the page the browser landed on. Throws when the
 * page holds no login form (not the provider's page). Used for the first sign-in and for each
 * re-authentication (prompt=login) alike.
 */
export async function submitProviderLogin(browser: HttpBrowser, loginPage: { url: URL; body: string }, login: string) {
  const action = /<form[^>]*action="([^"]+)"/.exec(loginPage.body)?.[1];
  if (!action) throw new Error(`no login form at ${loginPage.url.href}`);
  return browser.follow(new URL(action, loginPage.url), { form: { prompt: 'login', login, password: 'any' } });
}

/**
 * From aizuchi's sign-in link (`${base}/signin/sso`) through the provider's development login page
 * as `login` and back; returns the page the browser landed on (the console when the person's group
 * maps to a role) and `loginPage`, the URL of the login page it passed through. Shared by the SSO
 * tests so the round trip is written once.
 */
export async function signInThroughProvider(browser: HttpBrowser, base: string, login: string) {
  const loginPage = await browser.follow(`${base}/signin/sso?lang=en`);
  return { ...(await submitProviderLogin(browser, loginPage, login)), loginPage: loginPage.url };
}
