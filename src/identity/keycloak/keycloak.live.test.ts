import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { keycloakFromConfig } from '.';

/**
 * Against a real Keycloak, only when its credentials are set (the one skip this suite allows):
 * AIZUCHI_KEYCLOAK_LIVE_URL, _REALM, _CLIENT_ID, _CLIENT_SECRET, and _EMAIL, a disposable test user
 * of that realm. It requires a new factor and ends the user's sessions; it removes no credential.
 */
const live = {
  url: process.env.AIZUCHI_KEYCLOAK_LIVE_URL,
  realm: process.env.AIZUCHI_KEYCLOAK_LIVE_REALM,
  clientId: process.env.AIZUCHI_KEYCLOAK_LIVE_CLIENT_ID,
  clientSecret: process.env.AIZUCHI_KEYCLOAK_LIVE_CLIENT_SECRET,
  email: process.env.AIZUCHI_KEYCLOAK_LIVE_EMAIL,
};
const configured = Object.values(live).every(Boolean);

describe.runIf(configured)('Keycloak adapter against a live Keycloak (AIZUCHI_KEYCLOAK_LIVE_*)', () => {
  it('finds the test user, reads its factors, requires a new one and ends its sessions', async () => {
    const provider = keycloakFromConfig(
      {
        mapping: DEFAULT_ATTRIBUTE_MAPPING,
        keycloak: {
          url: live.url!,
          realm: live.realm!,
          clientId: live.clientId!,
          clientSecret: live.clientSecret!,
          requiredAction: 'CONFIGURE_TOTP',
        },
      },
      { clock: { now: () => new Date() }, logger: createLogger('silent') },
    );
    const account = await provider.findByEmail(live.email!);
    expect(account?.email).toBe(live.email!.toLowerCase());
    const factors = await provider.listMfaFactors(account!.id);
    expect(Array.isArray(factors)).toBe(true);
    await provider.requireNewFactor(account!.id);
    await provider.revokeSessions(account!.id);
    expect(await provider.signedInSince(account!.id, new Date())).not.toBe(true);
  });
});
