import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpBrowser } from '../e2e/support/http-browser';
import { openRecoveryCase } from '../e2e/support/console-people';
import { signInThroughProvider, submitProviderLogin } from '../e2e/support/oidc-provider';
import { type SsoDesk, startSsoDesk } from '../e2e/support/sso-desk';
import type { TestServer } from '../e2e/support/test-server';

/**
 * Operator sign-in with the company's OpenID Connect provider (issue 12): a real oidc-provider on
 * loopback, real HTTP redirects both ways (authorization code + PKCE, state, nonce), and the group
 * claim mapped by AIZUCHI_OIDC_ROLE_MAP to the console role — which the console then enforces.
 */
const PEOPLE = {
  'ada.admin': { email: 'ada@corp.example', name: 'Ada Admin', groups: ['staff', 'aizuchi-admins'] },
  'otto.operator': { email: 'otto@corp.example', name: 'Otto Operator', groups: ['aizuchi-operators'] },
  'vera.viewer': { email: 'vera@corp.example', name: 'Vera Viewer', groups: ['aizuchi-viewers', 'staff'] },
  'nora.nobody': { email: 'nora@corp.example', name: 'Nora Nobody', groups: ['staff'] },
};

describe('operator sign-in through OpenID Connect', () => {
  let desk: SsoDesk;
  let t: TestServer;
  let base: string;
  // Real time, moved ahead by `offsetMs` where a test needs the provider's auth_time to be old by aizuchi's clock.
  let offsetMs = 0;

  beforeAll(async () => {
    desk = await startSsoDesk({
      people: PEOPLE,
      roleMap: 'aizuchi-admins=admin,aizuchi-operators=operator,aizuchi-viewers=viewer',
      clock: { now: () => new Date(Date.now() + offsetMs) },
      keepWorker: false,
    });
    ({ t, base } = desk);
  });
  afterAll(async () => {
    await desk?.stop();
  });

  /** From aizuchi's sign-in link through the provider's login page and back; returns the landing page. */
  async function signIn(login: string, browser = new HttpBrowser()) {
    const landed = await signInThroughProvider(browser, base, login);
    expect(landed.loginPage.origin).toBe(new URL(desk.idp.issuer).origin);
    return { ...landed, browser };
  }

  /** A case waiting for a person (requested from a number not on record): for the role checks and the reveal. */
  const reviewCase = async (email: string, remoteAddress = '198.51.100.78') =>
    (
      await openRecoveryCase(
        t,
        { email, name: 'Pat', phone: '090-1111-2222', lang: 'en' },
        { remoteAddress, lang: 'en', phone: '080-3333-4444' },
      )
    ).caseId;

  it('the sign-in page links to SSO, and each mapped group lands on /console with its role', async () => {
    const signin = await new HttpBrowser().follow(`${base}/signin?lang=en`);
    expect(signin.body).toContain('href="/signin/sso?lang=en"');
    for (const [login, role] of [
      ['ada.admin', 'admin'],
      ['otto.operator', 'operator'],
      ['vera.viewer', 'viewer'],
    ] as const) {
      const landed = await signIn(login);
      expect([login, landed.res.status, landed.url.pathname]).toEqual([login, 200, '/console']);
      expect(landed.body).toContain(`data-testid="console-role">Signed in as ${role}`);
    }
  });

  it('refuses a person in no mapped group, and opens no session', async () => {
    const refused = await signIn('nora.nobody');
    expect([refused.res.status, refused.url.pathname]).toEqual([403, '/signin/sso/callback']);
    expect(refused.body).toContain('may not use the console');
    const console = await refused.browser.follow(`${base}/console`);
    expect(console.url.pathname).toBe('/signin');
  });

  it('a viewer sees no action buttons and an action posted anyway is refused; an operator may act', async () => {
    // A request from a number not on record waits for a person: a case with buttons to press.
    const row = await t.services.cases.require(await reviewCase('review-sso@example.com', '198.51.100.77'));
    expect(row.state).toBe('escalated');

    const viewer = (await signIn('vera.viewer')).browser;
    const page = await viewer.follow(`${base}/console/cases/${row.id}`);
    expect(page.res.status).toBe(200);
    expect(page.body).not.toContain(`/console/cases/${row.id}/cancel`);
    // The case list's sign-out form carries a valid CSRF token for this browser: the refusal below is the role's.
    const csrf = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? '';
    const listPage = await viewer.follow(`${base}/console`);
    const refused = await viewer.request(`${base}/console/cases/${row.id}/cancel`, {
      form: { _csrf: csrf(listPage.body), reason: 'viewer' },
    });
    expect(refused.status).toBe(403);
    // No ?lang and no Accept-Language: the refusal page is in Japanese, naming the role.
    expect(await refused.text()).toContain('この操作にはオペレーターまたは管理者の権限が必要です。何も変更していません。');
    expect((await t.services.cases.require(row.id)).state).toBe('escalated');

    const operator = (await signIn('otto.operator')).browser;
    const opPage = await operator.follow(`${base}/console/cases/${row.id}`);
    expect(opPage.body).toContain(`/console/cases/${row.id}/cancel`);
    const cancelled = await operator.request(`${base}/console/cases/${row.id}/cancel`, {
      form: { _csrf: csrf(opPage.body), reason: 'sso' },
    });
    expect(cancelled.status).toBe(303);
    const history = await t.services.cases.history(row.id);
    const event = history.find((e) => e.kind === 'cancelled_by_operator');
    expect(JSON.parse(event!.data)).toMatchObject({ operatorId: 'oidc:otto.operator', reason: 'sso' });
  });

  it('a callback without the flow cookie (another browser, or a forged state) is refused', async () => {
    const browser = new HttpBrowser();
    const forged = await browser.follow(`${base}/signin/sso/callback?code=abc&state=forged&lang=en`);
    expect(forged.res.status).toBe(400);
    expect(forged.body).toContain('expired or was opened from another page');

    // A flow started in this browser, answered with a state the provider did not send.
    const started = await browser.request(`${base}/signin/sso?lang=en`);
    expect(started.status).toBe(303);
    const wrong = await browser.follow(`${base}/signin/sso/callback?code=abc&state=not-the-one&iss=${encodeURIComponent(desk.idp.issuer)}`);
    expect(wrong.res.status).toBe(400);
    expect(wrong.body).toContain('could not be verified');
  });

  it('signing out ends the SSO session', async () => {
    const { browser } = await signIn('otto.operator');
    const consolePage = await browser.follow(`${base}/console`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(consolePage.body)?.[1];
    const out = await browser.follow(`${base}/signout`, { form: { _csrf: csrf ?? '' } });
    expect(out.url.pathname).toBe('/signin');
    expect((await browser.follow(`${base}/console`)).url.pathname).toBe('/signin');
  });

  /** Makes the SSO sign-in 10 minutes old, as after a coffee break: the next sensitive action asks again. */
  const ageSignIn = () =>
    t.services.store.db
      .updateTable('operator_sso_sessions')
      .set({ auth_at: new Date(Date.now() + offsetMs - 10 * 60_000).toISOString() })
      .where('subject', '=', 'otto.operator')
      .execute();

  /** A reveal of the case's phone, then each redirect by hand up to the provider's authorization URL. */
  async function revealUntilProvider(browser: HttpBrowser, caseId: string) {
    const page = await browser.follow(`${base}/console/cases/${caseId}?lang=en`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const reveal = await browser.request(`${base}/console/cases/${caseId}/reveal?lang=en`, { form: { _csrf: csrf, field: 'phone' } });
    const hops: URL[] = [];
    let res = reveal;
    while (res.status === 303 && hops.length < 4) {
      await res.arrayBuffer();
      hops.push(new URL(res.headers.get('location')!, hops.at(-1) ?? base));
      if (hops.at(-1)!.origin !== base) break;
      res = await browser.request(hops.at(-1)!);
    }
    return { reveal, hops, csrf };
  }

  it('re-authenticates an SSO operator through the provider with prompt=login and max_age=0, then the reveal proceeds', async () => {
    const caseId = await reviewCase('reveal-sso@example.com');
    const { browser } = await signIn('otto.operator');
    await ageSignIn();
    const { hops, csrf } = await revealUntilProvider(browser, caseId);
    expect(hops.map((u) => u.pathname).slice(0, 2)).toEqual(['/signin/reauth', '/signin/sso/reauth']);
    const authorize = hops.at(-1)!;
    expect(authorize.origin).toBe(new URL(desk.idp.issuer).origin);
    expect([authorize.searchParams.get('prompt'), authorize.searchParams.get('max_age')]).toEqual(['login', '0']);

    const back = await submitProviderLogin(browser, await browser.follow(authorize), 'otto.operator');
    expect([back.res.status, back.url.pathname]).toEqual([200, '/console']);
    const shown = await browser.request(`${base}/console/cases/${caseId}/reveal?lang=en`, { form: { _csrf: csrf, field: 'phone' } });
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain('+818033334444');
    const events = (await t.services.cases.history(caseId)).filter((e) => e.kind === 'contact_revealed');
    expect(events.map((e) => JSON.parse(e.data))).toEqual([{ operatorId: 'oidc:otto.operator', field: 'phone' }]);
  });

  it('refuses an ID token whose auth_time is not fresh, and the action still asks again', async () => {
    const caseId = await reviewCase('reveal-sso-stale@example.com');
    const { browser } = await signIn('otto.operator');
    // aizuchi's clock 10 min ahead of the provider's: the auth_time it vouches for is 10 min old here.
    offsetMs = 10 * 60_000;
    try {
      await ageSignIn();
      const { hops } = await revealUntilProvider(browser, caseId);
      const back = await submitProviderLogin(browser, await browser.follow(hops.at(-1)!), 'otto.operator');
      expect([back.res.status, back.url.pathname]).toEqual([403, '/signin/sso/callback']);
      expect(back.body).toContain('not a fresh sign-in');
      const again = await revealUntilProvider(browser, caseId);
      expect(again.reveal.status).toBe(303);
      expect(again.hops[0]!.pathname).toBe('/signin/reauth');
      expect((await t.services.cases.history(caseId)).some((e) => e.kind === 'contact_revealed')).toBe(false);
    } finally {
      offsetMs = 0;
    }
  });
});
