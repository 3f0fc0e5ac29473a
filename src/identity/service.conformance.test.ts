import crypto from 'node:crypto';
import { describe } from 'vitest';
import { createLogger } from '../observability/logger';
import { deriveKeys } from '../security/keys';
import { identityProviderConformance } from './identity-provider.conformance';
import { createIdentityService } from './service';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from './test-stores';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

const targets: Array<{ name: string; enabled: boolean; open: () => Promise<TestStore> }> = [
  { name: 'SQLite', enabled: true, open: openSqliteTestStore },
  { name: 'PostgreSQL', enabled: Boolean(postgresUrl), open: () => openPostgresTestStore(postgresUrl!) },
];

for (const target of targets) {
  describe.runIf(target.enabled)(`embedded identity provider on ${target.name}`, () => {
    identityProviderConformance(`embedded identity service (${target.name})`, async () => {
      const testStore = await target.open();
      const now = new Date('2026-12-01T01:00:00Z');
      const service = createIdentityService({
        store: testStore.store,
        keys: deriveKeys(crypto.randomBytes(32)),
        clock: { now: () => now },
        logger: createLogger('silent'),
        limits: { loginFailuresPer15Min: 5 },
      });
      return {
        provider: service,
        async seedAccount(contact) {
          const { account } = await service.createAccount({
            email: contact.email,
            password: 'correct horse battery',
            name: contact.name,
            phone: contact.phoneE164,
            lang: contact.lang,
            // Privilege follows from the role: an account that can act on others.
            role: contact.privileged ? 'operator' : 'customer',
            mfa: true,
          });
          return account.id;
        },
        signIn: async (accountId) => (await service.sessions.create(accountId, 'full', now)).token,
        sessionActive: async (token) => (await service.sessions.read(token)) !== null,
        async accountState(accountId) {
          const account = await service.getAccount(accountId);
          if (!account) throw new Error('conformance: seeded account vanished');
          return { mfaEnabled: account.mfaEnabled, newDeviceRequired: account.mfaEnrollRequired, enrolmentFrozen: account.enrolmentFrozen };
        },
        teardown: () => testStore.dispose(),
      };
    });
  });
}
