import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountNotFoundError } from '../errors';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { IdentityProviderAuthError, IdentityProviderRateLimitedError } from '../provider-errors';
import type { IdentityProvider } from '../provider';
import { AUTH0_FROZEN_FLAG, AUTH0_REQUIRE_ENROLLMENT_FLAG, createAuth0Provider } from './auth0-provider';
import { type FakeAuth0, startFakeAuth0 } from './testing/fake-auth0';

const clock = { now: () => new Date() };

describe('Auth0 adapter against a local Management API', () => {
  let fake: FakeAuth0;
  let sleeps: number[];
  let provider: IdentityProvider;

  const make = (overrides: { clientSecret?: string; perPage?: number } = {}) =>
    createAuth0Provider({
      baseUrl: fake.url,
      clientId: fake.clientId,
      clientSecret: overrides.clientSecret ?? fake.clientSecret,
      mapping: DEFAULT_ATTRIBUTE_MAPPING,
      http: { clock },
      // Waits are recorded, not slept: the retry policy is under test, not the wall clock.
      retry: { sleep: async (ms) => void sleeps.push(ms) },
      ...(overrides.perPage ? { perPage: overrides.perPage } : {}),
    });

  const addTaro = () =>
    fake.addUser({
      email: 'taro.yamada@example.com',
      name: '山田 太郎',
      app_metadata: { phoneNumber: '+81 90-1234-5678' },
      user_metadata: { locale: 'ja-JP', nameKana: 'ヤマダ タロウ' },
    });

  beforeEach(async () => {
    fake = await startFakeAuth0();
    sleeps = [];
    provider = make();
  });
  afterEach(() => fake.close());

  it('finds an account by email, case-insensitively, with the mapped contact facts', async () => {
    const id = addTaro();
    expect(await provider.findByEmail('  Taro.Yamada@EXAMPLE.com ')).toEqual({
      id,
      email: 'taro.yamada@example.com',
      phoneE164: '+819012345678',
      lang: 'ja',
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      nameLatin: null,
      privileged: false,
    });
    expect(await provider.findByEmail('nobody@example.com')).toBeNull();
  });

  it('finds nobody when several Auth0 users share the email (a database user and a social login)', async () => {
    addTaro();
    fake.addUser({ email: 'taro.yamada@example.com', name: 'Taro (Google)', app_metadata: {}, user_metadata: {} });
    expect(await provider.findByEmail('taro.yamada@example.com')).toBeNull();
  });

  it('reads privilege from an RBAC role or app_metadata.roles named by the mapping', async () => {
    const byRole = fake.addUser({
      email: 'a@example.com',
      name: 'A',
      app_metadata: { phoneNumber: '+14155550123' },
      user_metadata: {},
      roles: ['aizuchi-privileged'],
    });
    const byMetadata = fake.addUser({
      email: 'b@example.com',
      name: 'B',
      app_metadata: { phoneNumber: '+14155550124', roles: ['aizuchi-privileged'] },
      user_metadata: {},
    });
    const plain = fake.addUser({
      email: 'c@example.com',
      name: 'C',
      app_metadata: { phoneNumber: '+14155550125' },
      user_metadata: {},
      roles: ['support'],
    });
    expect((await provider.getContact(byRole))?.privileged).toBe(true);
    expect((await provider.getContact(byMetadata))?.privileged).toBe(true);
    expect((await provider.getContact(plain))?.privileged).toBe(false);
  });

  it('reads a missing phone as none on record (the policy then never counts a call as reaching it)', async () => {
    const id = fake.addUser({ email: 'x@example.com', name: 'X', app_metadata: {}, user_metadata: {} });
    expect(await provider.getContact(id)).toMatchObject({ phoneE164: '', name: 'X' });
  });

  it('removes every MFA method (not the password), pages through them, and is safe to repeat', async () => {
    provider = make({ perPage: 2 });
    const id = addTaro();
    fake.addMethod(id, 'password');
    fake.addMethod(id, 'totp', 'Authenticator');
    fake.addMethod(id, 'webauthn-roaming', 'YubiKey');
    fake.addMethod(id, 'phone');
    fake.addMethod(id, 'recovery-code');
    expect((await provider.listMfaFactors(id)).map((f) => f.type)).toEqual(['totp', 'webauthn', 'sms', 'other']);
    expect(fake.requests.filter((r) => r.includes('/authentication-methods?'))).toHaveLength(3);
    await provider.removeMfaFactors(id);
    expect(fake.methods(id).map((m) => m.type)).toEqual(['password']);
    await provider.removeMfaFactors(id);
    expect(await provider.listMfaFactors(id)).toEqual([]);
    await expect(provider.removeMfaFactors('auth0|missing')).rejects.toBeInstanceOf(AccountNotFoundError);
  });

  it('requires a new factor through app_metadata and forgets remembered browsers', async () => {
    const id = addTaro();
    fake.addMethod(id, 'totp');
    expect(fake.rememberedBrowsers(id)).toBe(true);
    await provider.requireNewFactor(id);
    expect(fake.user(id)?.app_metadata[AUTH0_REQUIRE_ENROLLMENT_FLAG]).toBe(true);
    expect(fake.rememberedBrowsers(id)).toBe(false);
    await expect(provider.requireNewFactor('auth0|missing')).rejects.toBeInstanceOf(AccountNotFoundError);
  });

  it("deletes the account's sessions and refresh tokens and nobody else's", async () => {
    const taro = addTaro();
    const other = fake.addUser({ email: 'o@example.com', name: 'O', app_metadata: { phoneNumber: '+14155550199' }, user_metadata: {} });
    const sessions = [fake.signIn(taro), fake.signIn(taro)];
    const kept = fake.signIn(other);
    await provider.revokeSessions(taro);
    expect(sessions.map((s) => fake.sessionActive(s))).toEqual([false, false]);
    expect(fake.refreshTokens(taro)).toBe(0);
    expect(fake.sessionActive(kept)).toBe(true);
    expect(fake.refreshTokens(other)).toBe(1);
  });

  it('freezes by blocking, and unfreezing lifts only a block aizuchi placed', async () => {
    const id = addTaro();
    await provider.freezeEnrolment(id);
    expect(fake.user(id)).toMatchObject({ blocked: true, app_metadata: { [AUTH0_FROZEN_FLAG]: true } });
    await provider.unfreezeEnrolment(id);
    expect(fake.user(id)?.blocked).toBe(false);
    expect(fake.user(id)?.app_metadata).not.toHaveProperty(AUTH0_FROZEN_FLAG);

    const blockedByAdmin = fake.addUser({
      email: 'b@example.com',
      name: 'B',
      app_metadata: { phoneNumber: '+14155550124' },
      user_metadata: {},
      blocked: true,
    });
    await provider.unfreezeEnrolment(blockedByAdmin);
    expect(fake.user(blockedByAdmin)?.blocked).toBe(true);
  });

  it('answers signedInSince from last_login, strictly after the instant', async () => {
    const id = addTaro();
    expect(await provider.signedInSince(id, new Date(0))).toBe(false);
    fake.signIn(id, new Date('2026-11-30T10:00:00Z'));
    expect(await provider.signedInSince(id, new Date('2026-11-30T09:59:59Z'))).toBe(true);
    expect(await provider.signedInSince(id, new Date('2026-11-30T10:00:00Z'))).toBe(false);
    expect(await provider.signedInSince('auth0|missing', new Date(0))).toBe(false);
  });

  it('waits out a 429 as x-ratelimit-reset asks, then succeeds', async () => {
    const id = addTaro();
    fake.rateLimitNext(2, 3);
    expect((await provider.getContact(id))?.email).toBe('taro.yamada@example.com');
    expect(sleeps).toHaveLength(2);
    // x-ratelimit-reset is whole epoch seconds 3 s ahead: the wait is over 2 s whatever the rounding.
    for (const ms of sleeps) expect(ms).toBeGreaterThan(2000);
  });

  it('gives a 429 back as retryable once the tries run out', async () => {
    const id = addTaro();
    fake.rateLimitNext(10, 1);
    const error = await provider.getContact(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityProviderRateLimitedError);
    expect(error).toMatchObject({ retryable: true });
  });

  it('fetches a new token once when the cached one is refused as expired, and reuses it otherwise', async () => {
    const id = addTaro();
    await provider.getContact(id);
    await provider.getContact(id);
    expect(fake.tokenRequests()).toBe(1);
    fake.expireTokens();
    expect((await provider.getContact(id))?.name).toBe('山田 太郎');
    expect(fake.tokenRequests()).toBe(2);
  });

  it('fails for good, without retrying, when the client credentials are refused', async () => {
    provider = make({ clientSecret: 'wrong' });
    const error = await provider.findByEmail('taro.yamada@example.com').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityProviderAuthError);
    expect(error).toMatchObject({ retryable: false, status: 401 });
    expect(sleeps).toEqual([]);
  });

  it('reports a missing Management API scope as a permission error naming no PII', async () => {
    await fake.close();
    fake = await startFakeAuth0({ scopes: ['read:users'] });
    provider = make();
    const id = addTaro();
    const error = await provider.getContact(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityProviderAuthError);
    expect(String((error as Error).message)).not.toContain('taro');
  });
});
