import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountNotFoundError } from '../errors';
import { type AttributeMapping, DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { IdentityProviderAuthError, IdentityProviderRateLimitedError } from '../provider-errors';
import type { IdentityProvider } from '../provider';
import { createEntraProvider } from './entra-provider';
import { ENTRA_AIZUCHI_PERMISSIONS, type FakeGraph, PASSWORD_METHOD_ID, startFakeGraph } from './testing/fake-graph';

const clock = { now: () => new Date() };
const KANA = 'extension_0f1e2d3c_nameKana';

describe('Entra adapter against a local Microsoft Graph', () => {
  let fake: FakeGraph;
  let sleeps: number[];
  let provider: IdentityProvider;

  const make = (overrides: { clientSecret?: string; mapping?: Partial<AttributeMapping> } = {}) =>
    createEntraProvider({
      tenantId: fake.tenantId,
      clientId: fake.clientId,
      clientSecret: overrides.clientSecret ?? fake.clientSecret,
      loginUrl: fake.url,
      graphUrl: fake.url,
      mapping: { ...DEFAULT_ATTRIBUTE_MAPPING, nameKana: KANA, ...overrides.mapping },
      http: { clock },
      retry: { sleep: async (ms) => void sleeps.push(ms) },
    });

  const addTaro = (extra: Parameters<FakeGraph['addUser']>[0] extends infer U ? Partial<U> : never = {}) =>
    fake.addUser({
      displayName: '山田 太郎',
      userPrincipalName: 'taro@contoso.onmicrosoft.com',
      mail: 'Taro.Yamada@example.com',
      mobilePhone: '+81 90-1234-5678',
      preferredLanguage: 'ja-JP',
      extensions: { [KANA]: 'ヤマダ タロウ' },
      ...extra,
    });

  beforeEach(async () => {
    fake = await startFakeGraph({ pageSize: 2 });
    sleeps = [];
    provider = make();
  });
  afterEach(() => fake.close());

  it('finds a user by mail or userPrincipalName and reads the mapped contact', async () => {
    const id = addTaro();
    const expected = {
      id,
      email: 'taro.yamada@example.com',
      phoneE164: '+819012345678',
      lang: 'ja',
      name: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      nameLatin: null,
      privileged: false,
    };
    expect(await provider.findByEmail('taro.yamada@example.com')).toEqual(expected);
    expect(await provider.findByEmail('TARO@contoso.onmicrosoft.com')).toEqual(expected);
    expect(await provider.findByEmail("o'brien@example.com")).toBeNull();
    // The default phone attribute (phoneNumber) is not a Graph property: it is never $selected.
    expect(fake.requests.every((r) => !r.includes('phoneNumber'))).toBe(true);
  });

  it('falls back to businessPhones and reads English from preferredLanguage', async () => {
    const id = addTaro({ mobilePhone: null, businessPhones: ['+1 415 555 0123'], preferredLanguage: 'en-US', extensions: {} });
    expect(await provider.getContact(id)).toMatchObject({ phoneE164: '+14155550123', lang: 'en' });
    expect(await provider.getContact('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('treats any directory role, or the named group, as privileged, across pages of memberships', async () => {
    const admin = addTaro({ groups: [{ id: crypto.randomUUID(), displayName: 'staff' }], directoryRoles: ['Helpdesk Administrator'] });
    const grouped = addTaro({
      groups: [
        { id: crypto.randomUUID(), displayName: 'a' },
        { id: crypto.randomUUID(), displayName: 'b' },
        { id: crypto.randomUUID(), displayName: 'aizuchi-privileged' },
      ],
    });
    const plain = addTaro({ groups: [{ id: crypto.randomUUID(), displayName: 'staff' }] });
    expect((await provider.getContact(admin))?.privileged).toBe(true);
    expect((await provider.getContact(grouped))?.privileged).toBe(true);
    expect(fake.requests.filter((r) => r.includes(`${grouped}/transitiveMemberOf`))).toHaveLength(2);
    expect((await provider.getContact(plain))?.privileged).toBe(false);
  });

  it('matches the privileged group by object id when the app may not read group names', async () => {
    await fake.close();
    fake = await startFakeGraph({ permissions: ENTRA_AIZUCHI_PERMISSIONS.filter((p) => p !== 'GroupMember.Read.All') });
    const groupId = crypto.randomUUID();
    const id = addTaro({ groups: [{ id: groupId, displayName: 'aizuchi-privileged' }] });
    expect((await make().getContact(id))?.privileged).toBe(false);
    expect((await make({ mapping: { privileged: groupId } }).getContact(id))?.privileged).toBe(true);
  });

  it('removes every second factor, the default one last, keeps password and email, and may repeat', async () => {
    const id = addTaro();
    fake.addMethod(id, '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', { isDefault: true });
    fake.addMethod(id, '#microsoft.graph.phoneAuthenticationMethod', { id: '3179e48a-750b-4051-897c-87b9720928f7' });
    fake.addMethod(id, '#microsoft.graph.softwareOathAuthenticationMethod');
    fake.addMethod(id, '#microsoft.graph.fido2AuthenticationMethod');
    fake.addMethod(id, '#microsoft.graph.emailAuthenticationMethod');
    expect((await provider.listMfaFactors(id)).map((f) => f.type).sort()).toEqual(['push', 'sms', 'totp', 'webauthn']);
    await provider.removeMfaFactors(id);
    expect(fake.methods(id).map((m) => m['@odata.type'])).toEqual([
      '#microsoft.graph.passwordAuthenticationMethod',
      '#microsoft.graph.emailAuthenticationMethod',
    ]);
    expect(fake.methods(id)[0]?.id).toBe(PASSWORD_METHOD_ID);
    await provider.removeMfaFactors(id);
    await provider.requireNewFactor(id);
    await expect(provider.removeMfaFactors('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(AccountNotFoundError);
    await expect(provider.requireNewFactor('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(AccountNotFoundError);
  });

  it("revokes the user's sign-in sessions and nobody else's", async () => {
    const taro = addTaro();
    const other = addTaro({ mail: 'other@example.com' });
    const sessions = [fake.signIn(taro), fake.signIn(taro)];
    const kept = fake.signIn(other);
    await provider.revokeSessions(taro);
    expect(sessions.map((s) => fake.sessionActive(s))).toEqual([false, false]);
    expect(fake.sessionActive(kept)).toBe(true);
  });

  it('freezes by disabling the account and unfreezes by enabling it', async () => {
    const id = addTaro();
    await provider.freezeEnrolment(id);
    expect(fake.user(id)?.accountEnabled).toBe(false);
    await provider.unfreezeEnrolment(id);
    expect(fake.user(id)?.accountEnabled).toBe(true);
  });

  it("answers signedInSince from signInActivity, or 'unknown' without AuditLog.Read.All", async () => {
    const id = addTaro();
    fake.signIn(id, new Date('2026-11-30T10:00:00Z'));
    expect(await provider.signedInSince(id, new Date('2026-11-30T09:00:00Z'))).toBe(true);
    expect(await provider.signedInSince(id, new Date('2026-11-30T10:00:00Z'))).toBe(false);
    await fake.close();
    fake = await startFakeGraph({ permissions: ENTRA_AIZUCHI_PERMISSIONS.filter((p) => p !== 'AuditLog.Read.All') });
    const again = addTaro();
    fake.signIn(again);
    expect(await make().signedInSince(again, new Date(0))).toBe('unknown');
  });

  it('waits as Retry-After asks on 429 and renews an expired token once', async () => {
    const id = addTaro();
    fake.rateLimitNext(1, 7);
    expect((await provider.getContact(id))?.name).toBe('山田 太郎');
    expect(sleeps).toEqual([7000]);
    fake.expireTokens();
    await provider.getContact(id);
    expect(fake.tokenRequests()).toBe(2);
    fake.rateLimitNext(10, 1);
    await expect(provider.getContact(id)).rejects.toBeInstanceOf(IdentityProviderRateLimitedError);
  });

  it('fails for good on a refused client secret', async () => {
    const error = await make({ clientSecret: 'nope' })
      .findByEmail('taro.yamada@example.com')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdentityProviderAuthError);
    expect(error).toMatchObject({ retryable: false });
    expect(sleeps).toEqual([]);
  });
});
