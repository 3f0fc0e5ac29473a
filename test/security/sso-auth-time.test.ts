import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { HttpBrowser } from '../e2e/support/http-browser';
import { signInThroughProvider, submitProviderLogin } from '../e2e/support/oidc-provider';
import { type SsoDesk, startSsoDesk } from '../e2e/support/sso-desk';

/**
 * Issue 10 (re-authentication: sensitive actions need a sign-in at most 5 min old). An SSO session's
 * auth time is the provider's `auth_time`, taken as it came: a provider whose clock runs ahead (or
 * a token minted with a later auth_time) put it in aizuchi's future, and `now - authTime` stayed
 * negative, so the session counted as freshly signed in for the whole skew plus 5 min — an hour
 * ahead, an hour of reveals and approvals without signing in again. Kind: a time from outside
 * trusted as later than now. The session stores never keep an auth time after their own clock's now.
 */
const PEOPLE = { 'otto.operator': { email: 'otto@corp.example', name: 'Otto Operator', groups: ['aizuchi-operators'] } };

describe('an SSO auth_time in aizuchi’s future', () => {
  // The provider stamps auth_time by the real clock; aizuchi's runs an hour behind it.
  const clock = manualClock(new Date(Date.now() - 3_600_000));
  let desk: SsoDesk;
  let base: string;

  beforeAll(async () => {
    desk = await startSsoDesk({ people: PEOPLE, roleMap: 'aizuchi-operators=operator', clock });
    ({ base } = desk);
  });
  afterAll(async () => {
    await desk?.stop();
  });

  it('counts as a re-authentication now: 10 minutes later a sensitive page asks for one again', async () => {
    const browser = new HttpBrowser();
    expect((await signInThroughProvider(browser, base, 'otto.operator')).url.pathname).toBe('/console');
    // Any sensitive page will do: the manual recovery review is behind requireFreshAuth before it looks the id up.
    const sensitive = `${base}/console/manual-recoveries/no-such-request?lang=en`;
    const later = async () => {
      clock.set(new Date(clock.now().getTime() + 10 * 60_000));
      return browser.request(sensitive);
    };
    const stale = await later();
    expect([stale.status, stale.headers.get('location')]).toEqual([303, expect.stringMatching(/^\/signin\/reauth\?/)]);

    // Re-authenticate at the provider (prompt=login, max_age=0): its ID token carries auth_time, an hour ahead of aizuchi.
    const loginPage = await browser.follow(new URL(stale.headers.get('location')!, base));
    expect(loginPage.url.origin).toBe(new URL(desk.idp.issuer).origin);
    const back = await submitProviderLogin(browser, loginPage, 'otto.operator');
    expect(back.url.pathname).toBe('/console/manual-recoveries/no-such-request');
    expect(back.res.status).toBe(404);

    const again = await later();
    expect([again.status, again.headers.get('location')]).toEqual([303, expect.stringMatching(/^\/signin\/reauth\?/)]);
  });
});
