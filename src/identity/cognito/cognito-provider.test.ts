import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { identityProviderConformance } from '../identity-provider.conformance';
import { IdentityProviderAuthError, IdentityProviderRateLimitedError, IdentityProviderRequestError } from '../provider-errors';
import type { IdentityContact } from '../provider';
import { cognitoAttributeName, createCognitoProvider } from './cognito-provider';
import { FakeCognito } from './testing/cognito-fake';

const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const noWait = { sleep: async () => {} };

/** The contact written where the default mapping reads it in Cognito (standard attributes, custom: readings). */
function attributesOf(c: IdentityContact): Record<string, string> {
  return {
    email: c.email,
    email_verified: 'true',
    phone_number: c.phoneE164,
    name: c.name,
    locale: c.lang,
    ...(c.nameKana ? { 'custom:nameKana': c.nameKana } : {}),
    ...(c.nameLatin ? { 'custom:nameLatin': c.nameLatin } : {}),
  };
}

identityProviderConformance('cognito (AWS SDK v3 against a local AWS JSON 1.1 user pool)', async () => {
  const fake = new FakeCognito();
  const endpoint = await fake.start();
  const provider = createCognitoProvider(
    { region: 'ap-northeast-1', userPoolId: fake.userPoolId, endpoint, credentials: CREDENTIALS },
    DEFAULT_ATTRIBUTE_MAPPING,
    { retry: noWait },
  );
  return {
    provider,
    keepsNameReadings: true,
    seedAccount: async (c) => fake.addUser({ attributes: attributesOf(c), groups: c.privileged ? ['aizuchi-privileged'] : ['customers'] }),
    signIn: async (id) => fake.signIn(id),
    sessionActive: async (token) => fake.refreshTokenValid(token),
    accountState: async (id) => {
      const u = fake.find(id);
      return {
        mfaEnabled: u.mfa.size > 0,
        // A pool that requires MFA sends a user with none enabled to MFA_SETUP at the next sign-in.
        newDeviceRequired: fake.mfaConfiguration === 'ON' && u.mfa.size === 0,
        enrolmentFrozen: !u.enabled,
      };
    },
    teardown: () => fake.stop(),
  };
});

describe('cognito adapter specifics', () => {
  const fake = new FakeCognito();
  let endpoint: string;
  beforeAll(async () => {
    endpoint = await fake.start();
  });
  afterAll(async () => {
    await fake.stop();
  });
  const provider = (over: { userPoolId?: string } = {}) =>
    createCognitoProvider(
      { region: 'ap-northeast-1', userPoolId: over.userPoolId ?? fake.userPoolId, endpoint, credentials: CREDENTIALS },
      DEFAULT_ATTRIBUTE_MAPPING,
      { retry: noWait },
    );

  it('signs every request with SigV4 for cognito-idp and names the action in X-Amz-Target', async () => {
    fake.requests.length = 0;
    await provider().findByEmail('nobody@example.com');
    expect(fake.requests).toEqual([{ action: 'ListUsers', signed: true }]);
  });

  it('retries a TooManyRequestsException in one place, and gives up typed when it persists', async () => {
    const id = fake.addUser({ attributes: { email: 'throttled@example.com', phone_number: '+819011112222', name: 'T', locale: 'en' } });
    fake.throttleNext(2);
    expect(await provider().getContact(id)).toMatchObject({ email: 'throttled@example.com', phoneE164: '+819011112222' });
    fake.throttleNext(10);
    await expect(provider().revokeSessions(id)).rejects.toBeInstanceOf(IdentityProviderRateLimitedError);
    fake.throttleNext(0);
  });

  it('reads phone and language from the mapping, walks paged results, and finds nobody when two users share an address', async () => {
    for (let i = 0; i < 70; i++) fake.addUser({ attributes: { email: `bulk${i}@example.com` } });
    const id = fake.addUser({
      attributes: { email: 'paged@example.com', phone_number: '090-3333-4444', locale: 'ja-JP', family_name: '山田', given_name: '花子' },
    });
    expect(await provider().findByEmail('PAGED@example.com')).toMatchObject({
      id,
      phoneE164: '+819033334444',
      lang: 'ja',
      name: '山田 花子',
    });
    fake.addUser({ attributes: { email: 'twice@example.com' } });
    fake.addUser({ attributes: { email: 'twice@example.com' } });
    expect(await provider().findByEmail('twice@example.com')).toBeNull();
    expect(await provider().findByEmail('a"b@example.com')).toBeNull();
  });

  it('refuses to require a new factor in a pool where MFA is optional, rather than report a reset that is not one', async () => {
    const id = fake.addUser({ attributes: { email: 'optional@example.com' } });
    fake.mfaConfiguration = 'OPTIONAL';
    try {
      await expect(provider().requireNewFactor(id)).rejects.toMatchObject({ code: 'cognito_mfa_not_required', retryable: false });
      await expect(provider().requireNewFactor(id)).rejects.toBeInstanceOf(IdentityProviderRequestError);
    } finally {
      fake.mfaConfiguration = 'ON';
    }
  });

  it('maps a wrong pool to a request error and unsigned requests to an auth error, neither retried', async () => {
    await expect(provider({ userPoolId: 'ap-northeast-1_Missing' }).findByEmail('x@example.com')).rejects.toBeInstanceOf(
      IdentityProviderRequestError,
    );
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSCognitoIdentityProviderService.ListUsers' },
      body: '{}',
    });
    expect([res.status, ((await res.json()) as { __type: string }).__type]).toEqual([403, 'MissingAuthenticationTokenException']);
    expect(IdentityProviderAuthError.name).toBe('IdentityProviderAuthError');
  });

  it('says unknown for a sign-in since, when the pool keeps no auth events (threat protection off)', async () => {
    const id = fake.addUser({ attributes: { email: 'no-history@example.com' } });
    fake.signIn(id);
    fake.threatProtection = false;
    try {
      expect(await provider().signedInSince(id, new Date(0))).toBe('unknown');
    } finally {
      fake.threatProtection = true;
    }
    expect(await provider().signedInSince(id, new Date(0))).toBe(true);
  });

  it('names Cognito attributes: phoneNumber → phone_number, standard ones as is, others custom:', () => {
    expect(['phoneNumber', 'locale', 'nameKana', 'custom:tier'].map(cognitoAttributeName)).toEqual([
      'phone_number',
      'locale',
      'custom:nameKana',
      'custom:tier',
    ]);
  });
});
