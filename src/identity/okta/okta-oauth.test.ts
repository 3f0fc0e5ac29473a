import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { createLogger } from '../../observability/logger';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { IdentityProviderAuthError } from '../provider-errors';
import { oktaFromConfig } from '.';
import { type FakeOkta, startFakeOkta } from './testing/fake-okta';
import { seedOktaUser } from './testing/seed-okta-user';

const TARO = { email: 'taro.yamada@example.com', phoneE164: '+819012345678', lang: 'ja' as const, name: '山田 太郎', privileged: false };
const SCOPES = ['okta.users.read', 'okta.users.manage', 'okta.groups.read', 'okta.roles.read'];

describe('Okta adapter with an OAuth 2.0 service app (private_key_jwt)', () => {
  let fake: FakeOkta;
  afterEach(async () => fake?.close());

  async function setup(granted = SCOPES) {
    fake = await startFakeOkta();
    const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
    fake.registerServiceApp('0oa-aizuchi', await exportJWK(publicKey), granted);
    // Through configuration, as a deployment sets it: the PEM on one line with \n written out.
    const config = loadConfig({
      AIZUCHI_IDENTITY: 'okta',
      AIZUCHI_OKTA_ORG_URL: fake.orgUrl,
      AIZUCHI_OKTA_CLIENT_ID: '0oa-aizuchi',
      AIZUCHI_OKTA_PRIVATE_KEY: (await exportPKCS8(privateKey)).replace(/\n/g, '\\n'),
    });
    const provider = oktaFromConfig(
      { ...config.identity, mapping: DEFAULT_ATTRIBUTE_MAPPING },
      { clock: { now: () => new Date() }, logger: createLogger('silent') },
    );
    return provider;
  }

  it('signs a client assertion, gets a Bearer token, reuses it, and gets a new one when it expires', async () => {
    const provider = await setup();
    const id = seedOktaUser(fake, TARO);
    fake.signIn(id);
    expect(await provider.findByEmail(TARO.email)).toMatchObject({ id });
    await provider.removeMfaFactors(id);
    expect(fake.users.get(id)!.factors).toEqual([]);
    expect(fake.tokensIssued()).toBe(1);
    fake.expireTokens();
    await provider.revokeSessions(id);
    expect(fake.users.get(id)!.sessions).toEqual([]);
    expect(fake.tokensIssued()).toBe(2);
  });

  it('an app not granted the scopes asked for is refused as a permanent auth error', async () => {
    const provider = await setup(['okta.users.read']);
    const err = await provider.findByEmail(TARO.email).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdentityProviderAuthError);
    expect((err as IdentityProviderAuthError).retryable).toBe(false);
  });

  it('configuration takes either an API token or a service app, not both', () => {
    expect(() =>
      loadConfig({
        AIZUCHI_IDENTITY: 'okta',
        AIZUCHI_OKTA_ORG_URL: 'https://acme.okta.com',
        AIZUCHI_OKTA_API_TOKEN: '00abc',
        AIZUCHI_OKTA_CLIENT_ID: '0oa1',
        AIZUCHI_OKTA_PRIVATE_KEY: 'pem',
      }),
    ).toThrow(/not both/);
    expect(() =>
      loadConfig({ AIZUCHI_IDENTITY: 'okta', AIZUCHI_OKTA_ORG_URL: 'https://acme.okta.com', AIZUCHI_OKTA_CLIENT_ID: '0oa1' }),
    ).toThrow(/AIZUCHI_OKTA_PRIVATE_KEY must be set/);
  });
});
