import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { createEntraProvider } from './entra-provider';

// Live check against a real Entra tenant: the only skip in the Entra suite, and it runs only when a
// tenant is named. Read-only (it finds one user and lists its methods), so it can point at any tenant
// whose app registration has the README's application permissions.
const live = {
  tenantId: process.env.AIZUCHI_ENTRA_LIVE_TENANT_ID,
  clientId: process.env.AIZUCHI_ENTRA_LIVE_CLIENT_ID,
  clientSecret: process.env.AIZUCHI_ENTRA_LIVE_CLIENT_SECRET,
  email: process.env.AIZUCHI_ENTRA_LIVE_EMAIL,
};

describe.runIf(Object.values(live).every(Boolean))('Entra live tenant (runs only when AIZUCHI_ENTRA_LIVE_* are set)', () => {
  it('finds the named user and lists its second factors', async () => {
    const provider = createEntraProvider({
      tenantId: live.tenantId!,
      clientId: live.clientId!,
      clientSecret: live.clientSecret!,
      loginUrl: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
      mapping: DEFAULT_ATTRIBUTE_MAPPING,
      http: { clock: { now: () => new Date() } },
    });
    const account = await provider.findByEmail(live.email!);
    expect(account?.email).toBe(live.email!.toLowerCase());
    expect(Array.isArray(await provider.listMfaFactors(account!.id))).toBe(true);
  });
});
