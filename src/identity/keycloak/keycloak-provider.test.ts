import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { IdentityProviderAuthError, IdentityProviderRateLimitedError } from '../provider-errors';
import { createKeycloakClient } from './keycloak-client';
import { createKeycloakProvider } from './keycloak-provider';
import { type FakeKeycloak, startFakeKeycloak } from './testing/fake-keycloak';
import { seedKeycloakUser } from './testing/seed-keycloak-user';

const TARO = { email: 'taro.yamada@example.com', phoneE164: '+819012345678', lang: 'ja' as const, name: '山田 太郎', privileged: false };

describe('Keycloak adapter: protocol behaviour', () => {
  let fake: FakeKeycloak;
  afterEach(async () => fake?.close());

  async function adapter(over: { clientSecret?: string; maxRetryAfterMs?: number } = {}) {
    fake = await startFakeKeycloak();
    const waits: number[] = [];
    const client = createKeycloakClient({
      settings: { url: `${fake.url}/`, realm: fake.realm, clientId: fake.clientId, clientSecret: over.clientSecret ?? fake.clientSecret },
      clock: { now: () => new Date() },
      retry: { sleep: async (ms) => void waits.push(ms), maxRetryAfterMs: over.maxRetryAfterMs },
    });
    const provider = createKeycloakProvider({ client, mapping: DEFAULT_ATTRIBUTE_MAPPING, logger: createLogger('silent') });
    return { provider, waits };
  }

  it('reuses one token, and fetches a new one once when Keycloak says it expired', async () => {
    const { provider } = await adapter();
    const id = seedKeycloakUser(fake, TARO);
    await provider.getContact(id);
    await provider.getContact(id);
    expect(fake.tokensIssued()).toBe(1);
    fake.expireTokens();
    expect(await provider.getContact(id)).toMatchObject({ email: TARO.email });
    expect(fake.tokensIssued()).toBe(2);
  });

  it('a wrong client secret is a permanent auth error, not retried', async () => {
    const { provider, waits } = await adapter({ clientSecret: 'wrong' });
    const err = await provider.findByEmail(TARO.email).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityProviderAuthError);
    expect((err as IdentityProviderAuthError).retryable).toBe(false);
    expect(waits).toEqual([]);
  });

  it('waits as long as a 429 Retry-After says, and retries a 503, then answers', async () => {
    const { provider, waits } = await adapter();
    const id = seedKeycloakUser(fake, TARO);
    fake.rateLimitNext(1, 3);
    expect(await provider.listMfaFactors(id)).toEqual([{ id: `otp-${id}`, type: 'totp', label: 'iPhone' }]);
    expect(waits).toEqual([3000]);
    fake.failNext(2);
    await provider.requireNewFactor(id);
    expect(fake.users.get(id)!.requiredActions).toEqual(['CONFIGURE_TOTP']);
    expect(waits).toEqual([3000, 250, 500]);
  });

  it('hands a long Retry-After back as retryable for the job queue to wait', async () => {
    const { provider } = await adapter({ maxRetryAfterMs: 10_000 });
    const id = seedKeycloakUser(fake, TARO);
    fake.rateLimitNext(1, 60);
    await expect(provider.removeMfaFactors(id)).rejects.toBeInstanceOf(IdentityProviderRateLimitedError);
    expect(fake.users.get(id)!.credentials.map((c) => c.type)).toEqual(['password', 'otp']);
  });

  it('without manage-users the reset is refused as an auth error (least privilege misconfigured)', async () => {
    const { provider } = await adapter();
    const id = seedKeycloakUser(fake, TARO);
    fake.serviceAccountRoles.delete('manage-users');
    await expect(provider.removeMfaFactors(id)).rejects.toMatchObject({ code: 'identity_provider_auth', status: 403 });
  });

  it('pages through a server that ignores exact=true and keeps only the exact address', async () => {
    const { provider } = await adapter();
    fake.ignoreExact = true;
    for (let i = 0; i < 60; i++) fake.addUser({ email: `${i}taro.yamada@example.com` });
    const id = seedKeycloakUser(fake, TARO);
    expect(await provider.findByEmail(TARO.email)).toMatchObject({ id, email: TARO.email });
    expect(fake.requests.filter((r) => r === 'GET /users')).toHaveLength(2);
  });

  it('privileged through a realm role of that name or any realm-management role', async () => {
    const { provider } = await adapter();
    const byRole = seedKeycloakUser(fake, { ...TARO, email: 'a@example.com' });
    fake.users.get(byRole)!.realmRoles.push('aizuchi-privileged');
    const admin = seedKeycloakUser(fake, { ...TARO, email: 'b@example.com' });
    fake.users.get(admin)!.realmManagementRoles.push('manage-users');
    const plain = seedKeycloakUser(fake, { ...TARO, email: 'c@example.com' });
    expect((await provider.getContact(byRole))?.privileged).toBe(true);
    expect((await provider.getContact(admin))?.privileged).toBe(true);
    expect((await provider.getContact(plain))?.privileged).toBe(false);
  });

  it('revoking sessions also revokes offline tokens (consents that hold one)', async () => {
    const { provider } = await adapter();
    const id = seedKeycloakUser(fake, TARO);
    fake.users.get(id)!.offlineClients.push('mobile-app');
    fake.signIn(id);
    await provider.revokeSessions(id);
    expect(fake.users.get(id)).toMatchObject({ sessions: [], offlineClients: [] });
  });

  it("signedInSince is 'unknown' when the realm stores no LOGIN events and no session shows a sign-in", async () => {
    const { provider } = await adapter();
    const id = seedKeycloakUser(fake, TARO);
    fake.eventsEnabled = false;
    fake.signIn(id, Date.parse('2026-01-01T00:00:00Z'));
    expect(await provider.signedInSince(id, new Date('2026-01-01T00:00:01Z'))).toBe('unknown');
    // A session that started after the instant still answers yes without events.
    expect(await provider.signedInSince(id, new Date('2025-12-31T00:00:00Z'))).toBe(true);
    // With events on, a login that is logged out (no session left) is still seen.
    fake.eventsEnabled = true;
    fake.signIn(id, Date.parse('2026-02-01T00:00:00Z'));
    await provider.revokeSessions(id);
    expect(await provider.signedInSince(id, new Date('2026-01-15T00:00:00Z'))).toBe(true);
    expect(await provider.signedInSince(id, new Date('2026-03-01T00:00:00Z'))).toBe(false);
  });

  it('freezing disables the user and unfreezing re-enables only a user aizuchi disabled', async () => {
    const { provider } = await adapter();
    const id = seedKeycloakUser(fake, TARO);
    fake.users.get(id)!.attributes.department = ['sales'];
    await provider.freezeEnrolment(id);
    expect(fake.users.get(id)).toMatchObject({ enabled: false, attributes: { aizuchiEnrolmentFrozen: ['true'], department: ['sales'] } });
    await provider.unfreezeEnrolment(id);
    expect(fake.users.get(id)!.enabled).toBe(true);
    expect(fake.users.get(id)!.attributes).toEqual({ phoneNumber: [TARO.phoneE164], locale: ['ja'], department: ['sales'] });
    const disabledByAdmin = seedKeycloakUser(fake, { ...TARO, email: 'x@example.com' });
    fake.users.get(disabledByAdmin)!.enabled = false;
    await provider.freezeEnrolment(disabledByAdmin);
    await provider.unfreezeEnrolment(disabledByAdmin);
    expect(fake.users.get(disabledByAdmin)!.enabled).toBe(false);
  });
});
