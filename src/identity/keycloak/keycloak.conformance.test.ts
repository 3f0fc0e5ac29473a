import { describe } from 'vitest';
import { createLogger } from '../../observability/logger';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { identityProviderConformance } from '../identity-provider.conformance';
import { keycloakFromConfig } from '.';
import { startFakeKeycloak } from './testing/fake-keycloak';
import { seedKeycloakUser } from './testing/seed-keycloak-user';

describe('Keycloak adapter against the local Keycloak Admin REST server', () => {
  identityProviderConformance('keycloak', async () => {
    const fake = await startFakeKeycloak();
    const provider = keycloakFromConfig(
      {
        mapping: DEFAULT_ATTRIBUTE_MAPPING,
        keycloak: {
          url: fake.url,
          realm: fake.realm,
          clientId: fake.clientId,
          clientSecret: fake.clientSecret,
          requiredAction: 'CONFIGURE_TOTP',
        },
      },
      { clock: { now: () => new Date() }, logger: createLogger('silent') },
    );
    return {
      provider,
      keepsNameReadings: true,
      seedAccount: async (contact) => seedKeycloakUser(fake, contact),
      signIn: async (id) => fake.signIn(id),
      async sessionActive(session) {
        return [...fake.users.values()].some((u) => u.sessions.some((s) => s.id === session));
      },
      async accountState(id) {
        const u = fake.users.get(id)!;
        return {
          mfaEnabled: u.credentials.some((c) => c.type === 'otp' || c.type.startsWith('webauthn')),
          newDeviceRequired: u.requiredActions.includes('CONFIGURE_TOTP'),
          enrolmentFrozen: !u.enabled,
        };
      },
      teardown: () => fake.close(),
    };
  });
});
