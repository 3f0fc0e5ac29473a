import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger';
import { DEFAULT_ATTRIBUTE_MAPPING } from '../attribute-mapping';
import { oktaFromConfig } from '.';

/**
 * Against a real Okta org, only when its credentials are set (the one skip this suite allows):
 * AIZUCHI_OKTA_LIVE_ORG_URL, AIZUCHI_OKTA_LIVE_API_TOKEN and AIZUCHI_OKTA_LIVE_EMAIL, a disposable
 * test user. It reads the user and its factors and clears its sessions; it deletes no factor.
 */
const live = {
  orgUrl: process.env.AIZUCHI_OKTA_LIVE_ORG_URL,
  apiToken: process.env.AIZUCHI_OKTA_LIVE_API_TOKEN,
  email: process.env.AIZUCHI_OKTA_LIVE_EMAIL,
};

describe.runIf(Object.values(live).every(Boolean))('Okta adapter against a live Okta org (AIZUCHI_OKTA_LIVE_*)', () => {
  it('finds the test user, lists its factors and clears its sessions', async () => {
    const provider = oktaFromConfig(
      { mapping: DEFAULT_ATTRIBUTE_MAPPING, okta: { orgUrl: live.orgUrl!, apiToken: live.apiToken! } },
      { clock: { now: () => new Date() }, logger: createLogger('silent') },
    );
    const account = await provider.findByEmail(live.email!);
    expect(account?.email).toBe(live.email!.toLowerCase());
    expect(Array.isArray(await provider.listMfaFactors(account!.id))).toBe(true);
    await provider.revokeSessions(account!.id);
    expect(typeof (await provider.signedInSince(account!.id, new Date(0)))).toBe('boolean');
  });
});
