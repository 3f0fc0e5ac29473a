import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { createAuth0Provider } from './auth0-provider';

// Live check against a real Auth0 tenant: the only skip in the Auth0 suite, and it runs only when a
// tenant is named. Read-only (it finds one account and lists its factors), so it can point at any
// tenant whose M2M application has the README's scopes.
const live = {
  domain: process.env.AIZUCHI_AUTH0_LIVE_DOMAIN,
  clientId: process.env.AIZUCHI_AUTH0_LIVE_CLIENT_ID,
  clientSecret: process.env.AIZUCHI_AUTH0_LIVE_CLIENT_SECRET,
  email: process.env.AIZUCHI_AUTH0_LIVE_EMAIL,
};

describe.runIf(Object.values(live).every(Boolean))('Auth0 live tenant (runs only when AIZUCHI_AUTH0_LIVE_* are set)', () => {
  it('finds the named account and lists its factors', async () => {
    const provider = createAuth0Provider({
      baseUrl: `https://${live.domain!}`,
      clientId: live.clientId!,
      clientSecret: live.clientSecret!,
      mapping: DEFAULT_ATTRIBUTE_MAPPING,
      http: { clock: { now: () => new Date() } },
    });
    const account = await provider.findByEmail(live.email!);
    expect(account?.email).toBe(live.email!.toLowerCase());
    expect(Array.isArray(await provider.listMfaFactors(account!.id))).toBe(true);
  });
});
