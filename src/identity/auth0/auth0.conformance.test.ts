import { identityProviderConformance } from '../identity-provider.conformance';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { AUTH0_FROZEN_FLAG, AUTH0_REQUIRE_ENROLLMENT_FLAG, createAuth0Provider } from './auth0-provider';
import { startFakeAuth0 } from './testing/fake-auth0';

identityProviderConformance('Auth0 adapter against a local Management API', async () => {
  const fake = await startFakeAuth0();
  const provider = createAuth0Provider({
    baseUrl: fake.url,
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    mapping: DEFAULT_ATTRIBUTE_MAPPING,
    http: { clock: { now: () => new Date() } },
  });
  return {
    provider,
    keepsNameReadings: true,
    async seedAccount(c) {
      // Attributes where the README's Auth0 section says they are read: the phone in app_metadata,
      // language and readings in user_metadata, privilege as an RBAC role.
      const id = fake.addUser({
        email: c.email,
        name: c.name,
        app_metadata: { phoneNumber: c.phoneE164 },
        user_metadata: {
          locale: c.lang,
          ...(c.nameKana ? { nameKana: c.nameKana } : {}),
          ...(c.nameLatin ? { nameLatin: c.nameLatin } : {}),
        },
        roles: c.privileged ? ['aizuchi-privileged'] : [],
      });
      fake.addMethod(id, 'password');
      fake.addMethod(id, 'totp', 'Authenticator');
      return id;
    },
    signIn: async (id) => fake.signIn(id),
    sessionActive: async (sid) => fake.sessionActive(sid),
    async accountState(id) {
      const user = fake.user(id);
      return {
        mfaEnabled: fake.methods(id).some((m) => m.type !== 'password'),
        newDeviceRequired: user?.app_metadata[AUTH0_REQUIRE_ENROLLMENT_FLAG] === true,
        enrolmentFrozen: user?.blocked === true && user.app_metadata[AUTH0_FROZEN_FLAG] === true,
      };
    },
    teardown: () => fake.close(),
  };
});
