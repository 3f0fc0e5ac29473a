import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger';
import { deriveKeys } from '../security/keys';
import { recoveryAccounts } from './recovery-accounts';
import { createIdentityService } from './service';
import { type TestStore, openSqliteTestStore } from './test-stores';

describe('identity seen by the recovery flow', () => {
  let testStore: TestStore | undefined;
  afterEach(async () => {
    await testStore?.dispose();
  });

  it('finds contact details by email and checks passwords, without exposing anything else', async () => {
    testStore = await openSqliteTestStore();
    const clock = { now: () => new Date('2026-11-30T00:00:00Z') };
    const identity = createIdentityService({
      store: testStore.store,
      keys: deriveKeys(crypto.randomBytes(32)),
      clock,
      logger: createLogger('silent'),
      limits: { loginFailuresPer15Min: 5 },
    });
    const { account } = await identity.createAccount({
      email: 'hana@example.com',
      password: 'correct horse',
      name: 'Hana',
      phone: '090-1234-5678',
      lang: 'en',
    });
    const accounts = recoveryAccounts(identity);

    expect(await accounts.findByEmail('hana@example.com')).toEqual({
      id: account.id,
      email: 'hana@example.com',
      phoneE164: '+819012345678',
      lang: 'en',
      name: 'Hana',
    });
    expect(await accounts.findByEmail('nobody@example.com')).toBeNull();
    expect(await accounts.passwordMatches('hana@example.com', 'correct horse')).toBe(true);
    expect(await accounts.passwordMatches('hana@example.com', 'wrong')).toBe(false);
    expect(await accounts.passwordMatches('nobody@example.com', 'correct horse')).toBe(false);
  });
});
