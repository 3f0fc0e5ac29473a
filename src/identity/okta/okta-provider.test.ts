import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { IdentityProviderAuthError } from '../provider-errors';
import { createOktaClient, nextLink } from './okta-client';
import { createOktaProvider } from './okta-provider';
import { type FakeOkta, startFakeOkta } from './testing/fake-okta';
import { seedOktaUser } from './testing/seed-okta-user';

const TARO = { email: 'taro.yamada@example.com', phoneE164: '+819012345678', lang: 'ja' as const, name: '山田 太郎', privileged: false };

describe('Okta adapter: protocol behaviour', () => {
  let fake: FakeOkta;
  afterEach(async () => fake?.close());

  async function adapter(over: { apiToken?: string } = {}) {
    fake = await startFakeOkta();
    const waits: number[] = [];
    const client = createOktaClient({
      settings: { orgUrl: fake.orgUrl, apiToken: over.apiToken ?? fake.apiToken },
      clock: { now: () => new Date() },
      retry: { sleep: async (ms) => void waits.push(ms) },
    });
    return { provider: createOktaProvider({ client, mapping: DEFAULT_ATTRIBUTE_MAPPING, logger: createLogger('silent') }), waits };
  }

  it('reads the next page from the Link header, and only on the org host', () => {
    const header =
      '<https://acme.okta.com/api/v1/users?limit=2>; rel="self", <https://acme.okta.com/api/v1/users?after=00u2&limit=2>; rel="next"';
    expect(nextLink(header)).toBe('https://acme.okta.com/api/v1/users?after=00u2&limit=2');
    expect(nextLink('<https://acme.okta.com/api/v1/users?limit=2>; rel="self"')).toBeNull();
  });

  it('finds a user across pages of a search', async () => {
    const { provider } = await adapter();
    fake.maxLimit = 2;
    // Okta allows duplicate emails across users only in odd setups; here two share the address, so none is used.
    for (let i = 0; i < 3; i++) fake.addUser({ email: `other${i}@example.com` });
    const id = seedOktaUser(fake, TARO);
    expect(await provider.findByEmail('TARO.yamada@example.com')).toMatchObject({
      id,
      phoneE164: '+819012345678',
      lang: 'ja',
      name: '山田 太郎',
    });
    fake.addUser({ email: 'taro.yamada@example.com' });
    fake.addUser({ email: 'taro.yamada@example.com' });
    expect(await provider.findByEmail(TARO.email)).toBeNull();
    expect(fake.requests.filter((r) => r === 'GET /api/v1/users').length).toBeGreaterThan(2);
  });

  it('waits until X-Rate-Limit-Reset after a 429, then answers', async () => {
    const { provider, waits } = await adapter();
    const id = seedOktaUser(fake, TARO);
    fake.rateLimitNext(1, 5);
    expect(await provider.listMfaFactors(id)).toEqual([{ id: expect.stringMatching(/^uft/), type: 'totp' }]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(4000);
    expect(waits[0]).toBeLessThanOrEqual(6000);
  });

  it('a wrong API token is a permanent auth error, not retried', async () => {
    const { provider, waits } = await adapter({ apiToken: 'not-the-token' });
    await expect(provider.getContact('00u1')).rejects.toBeInstanceOf(IdentityProviderAuthError);
    expect(waits).toEqual([]);
  });

  it('revokes sessions together with OAuth tokens', async () => {
    const { provider } = await adapter();
    const id = seedOktaUser(fake, TARO);
    fake.signIn(id);
    await provider.revokeSessions(id);
    expect(fake.users.get(id)).toMatchObject({ sessions: [], oauthTokens: 0 });
  });

  it('privileged by group or admin role; roles it may not read count as privileged', async () => {
    const { provider } = await adapter();
    const admin = seedOktaUser(fake, TARO);
    fake.users.get(admin)!.adminRoles.push('HELP_DESK_ADMIN');
    const plain = seedOktaUser(fake, { ...TARO, email: 'p@example.com' });
    expect((await provider.getContact(admin))?.privileged).toBe(true);
    expect((await provider.getContact(plain))?.privileged).toBe(false);
    fake.canReadRoles = false;
    expect((await provider.getContact(plain))?.privileged).toBe(true);
  });

  it('freezing suspends an active user; unfreezing unsuspends it; both may repeat', async () => {
    const { provider } = await adapter();
    const id = seedOktaUser(fake, TARO);
    await provider.freezeEnrolment(id);
    await provider.freezeEnrolment(id);
    expect(fake.users.get(id)!.status).toBe('SUSPENDED');
    await provider.unfreezeEnrolment(id);
    await provider.unfreezeEnrolment(id);
    expect(fake.users.get(id)!.status).toBe('ACTIVE');
  });
});
