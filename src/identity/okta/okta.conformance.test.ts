import { describe } from 'vitest';
import { createLogger } from '../../observability/logger';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { identityProviderConformance } from '../identity-provider.conformance';
import { oktaFromConfig } from '.';
import { startFakeOkta } from './testing/fake-okta';
import { seedOktaUser } from './testing/seed-okta-user';

describe('Okta adapter against the local Okta Management API server', () => {
  identityProviderConformance('okta', async () => {
    const fake = await startFakeOkta();
    const provider = oktaFromConfig(
      { mapping: DEFAULT_ATTRIBUTE_MAPPING, okta: { orgUrl: fake.orgUrl, apiToken: fake.apiToken } },
      { clock: { now: () => new Date() }, logger: createLogger('silent') },
    );
    return {
      provider,
      keepsNameReadings: true,
      seedAccount: async (contact) => seedOktaUser(fake, contact),
      signIn: async (id) => fake.signIn(id),
      async sessionActive(session) {
        return [...fake.users.values()].some((u) => u.sessions.includes(session));
      },
      async accountState(id) {
        const u = fake.users.get(id)!;
        return {
          mfaEnabled: u.factors.length > 0,
          // The org's authenticator enrollment policy requires a factor: with none left, the next sign-in enrols one.
          newDeviceRequired: u.factors.length === 0,
          enrolmentFrozen: u.status === 'SUSPENDED',
        };
      },
      teardown: () => fake.close(),
    };
  });
});
