import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { createIdentityService } from '../identity/service';
import { type TestStore, openSqliteTestStore } from '../identity/test-stores';
import { createLogger } from '../observability/logger';
import { deriveKeys } from '../security/keys';
import { composeAccountLookup, composeIdentityProvider } from './identity';

describe('composeIdentityProvider', () => {
  let ts: TestStore | null = null;
  afterEach(async () => {
    await ts?.dispose();
    ts = null;
  });

  async function embedded() {
    ts = await openSqliteTestStore();
    const clock = { now: () => new Date('2026-12-01T00:00:00Z') };
    const logger = createLogger('silent');
    const identity = createIdentityService({
      store: ts.store,
      keys: deriveKeys(crypto.randomBytes(32)),
      clock,
      logger,
      limits: { loginFailuresPer15Min: 5 },
    });
    return { identity, clock, logger };
  }

  it('is the embedded provider by default, and its lookup checks passwords', async () => {
    const { identity, clock, logger } = await embedded();
    await identity.createAccount({
      email: 'a@example.com',
      password: 'correct horse battery',
      name: 'A',
      phone: '090-1234-5678',
      lang: 'ja',
      role: 'customer',
    });
    const accounts = composeIdentityProvider({ config: loadConfig({}), clock, logger, embedded: identity });
    expect(accounts).toBe(identity);
    expect(await composeAccountLookup(accounts, identity).passwordMatches('a@example.com', 'correct horse battery')).toBe(true);
  });

  it('refuses a provider with no adapter in this build instead of falling back to embedded accounts', async () => {
    const { identity, clock, logger } = await embedded();
    const config = loadConfig({ AIZUCHI_IDENTITY: 'webhook' });
    // A build whose registry has only the embedded provider.
    expect(() => composeIdentityProvider({ config, clock, logger, embedded: identity }, { embedded: (d) => d.embedded })).toThrow(
      ConfigError,
    );
    expect(() => loadConfig({ AIZUCHI_IDENTITY: 'ldap' })).toThrow(/AIZUCHI_IDENTITY: expected one of embedded, keycloak/);
  });

  it("never takes a password typed into aizuchi's form as evidence for an external provider's account", async () => {
    const { identity } = await embedded();
    await identity.createAccount({
      email: 'a@example.com',
      password: 'correct horse battery',
      name: 'A',
      phone: '090-1234-5678',
      lang: 'ja',
      role: 'customer',
    });
    // The same accounts, presented as an external directory: found by email, never by password.
    const external = { ...identity, kind: 'okta' as const };
    const lookup = composeAccountLookup(external, identity);
    expect(await lookup.findByEmail('a@example.com')).toMatchObject({ email: 'a@example.com', phoneE164: '+819012345678' });
    expect(await lookup.passwordMatches('a@example.com', 'correct horse battery')).toBe(false);
  });

  it('AIZUCHI_IDENTITY=keycloak needs its four variables, then builds the Keycloak adapter', async () => {
    const { identity, clock, logger } = await embedded();
    expect(() => loadConfig({ AIZUCHI_IDENTITY: 'keycloak', AIZUCHI_KEYCLOAK_URL: 'https://sso.example.com' })).toThrow(
      /AIZUCHI_KEYCLOAK_REALM, AIZUCHI_KEYCLOAK_CLIENT_ID, AIZUCHI_KEYCLOAK_CLIENT_SECRET must be set/,
    );
    const config = loadConfig({
      AIZUCHI_IDENTITY: 'keycloak',
      AIZUCHI_KEYCLOAK_URL: 'https://sso.example.com',
      AIZUCHI_KEYCLOAK_REALM: 'customers',
      AIZUCHI_KEYCLOAK_CLIENT_ID: 'aizuchi',
      AIZUCHI_KEYCLOAK_CLIENT_SECRET: 's3cret',
    });
    expect(composeIdentityProvider({ config, clock, logger, embedded: identity }).kind).toBe('keycloak');
  });

  it('AIZUCHI_IDENTITY=okta needs the org URL and API token, then builds the Okta adapter', async () => {
    const { identity, clock, logger } = await embedded();
    expect(() => loadConfig({ AIZUCHI_IDENTITY: 'okta' })).toThrow(/AIZUCHI_OKTA_ORG_URL, AIZUCHI_OKTA_API_TOKEN must be set/);
    const config = loadConfig({ AIZUCHI_IDENTITY: 'okta', AIZUCHI_OKTA_ORG_URL: 'https://acme.okta.com', AIZUCHI_OKTA_API_TOKEN: '00abc' });
    expect(composeIdentityProvider({ config, clock, logger, embedded: identity }).kind).toBe('okta');
  });
});
