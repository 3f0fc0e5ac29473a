import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/identity/totp';
import { type TestBrowser, launchChromium } from './support/chromium';
import { runningClockFrom } from './support/clocks';
import { totpFor } from './support/totp';
import { type TestServer, startTestServer } from './support/test-server';

/**
 * The foundation story in a real browser: a customer who lost their authenticator signs in, asks
 * for a callback, gets the mail; an operator sees the scheduled case; the customer's "this wasn't
 * me" link cancels it. Screenshots of every page land in test-artifacts/e2e/story/.
 */

// Saturday 2035-12-01 10:00 JST, running on with real time (session and TOTP windows behave).
// A date years ahead keeps cookie expiry (which the browser judges by its own clock) in the future.
const SATURDAY_10_JST = new Date('2035-12-01T01:00:00Z');
const CALL_TIME_JA = '2035年12月3日(月) 09:00';

const SHOTS = fileURLToPath(new URL('../../test-artifacts/e2e/story/', import.meta.url));
const CUSTOMER = { email: 'matty@example.com', password: 'correct horse battery', name: '猪股 太郎', phone: '090-1234-5678', lang: 'ja' };
const OPERATOR = { email: 'operator@example.com', password: 'operator password', name: 'Operator', phone: '03-1234-5678', lang: 'en' };
const secretOf = (uri: string | undefined) => new URL(uri ?? '').searchParams.get('secret') ?? '';

describe('the recovery story in Chromium', () => {
  const clock = runningClockFrom(SATURDAY_10_JST);
  let t: TestServer;
  let b: TestBrowser;

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    t = await startTestServer({ clock, reachableLinks: true, keepWorker: true });
    b = await launchChromium(SHOTS);
  });
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });

  async function signIn(email: string, password: string) {
    const { page } = b;
    await page.goto(`${t.url}/signin?lang=ja`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  }

  /** The worker sends mail on its own schedule; reload the inbox until the message is there. */
  async function openMail(subject: RegExp) {
    const { page } = b;
    for (let i = 0; i < 120; i++) {
      await page.goto(`${t.url}/dev/mail`);
      const link = page.getByRole('link', { name: subject });
      if ((await link.count()) > 0) {
        await b.screenshot('inbox');
        await Promise.all([page.waitForNavigation(), link.first().click()]);
        return;
      }
      await page.waitForTimeout(250);
    }
    throw new Error(`no mail matching ${subject} reached the catcher`);
  }

  it(
    'sign-in → MFA prompt → callback request → mail → console shows it scheduled → "this wasn\'t me" cancels it',
    { timeout: 180_000 },
    async () => {
      const { page } = b;
      const created = await t.services.identity.createAccount({ ...CUSTOMER, mfa: true, role: 'customer' });
      expect(created.otpauthUri).toMatch(/^otpauth:\/\/totp\//);
      // Operators cannot sign in without MFA (issue 7, finding 1).
      const operatorUri = (await t.services.identity.createAccount({ ...OPERATOR, mfa: true, role: 'operator' })).otpauthUri!;

      // The customer knows their password but has lost the phone with the authenticator.
      await signIn(CUSTOMER.email, CUSTOMER.password);
      expect(new URL(page.url()).pathname).toBe('/signin/mfa');
      expect(await page.textContent('h1')).toBe('多要素認証（MFA）');
      await b.screenshot('mfa-prompt');

      await Promise.all([page.waitForNavigation(), page.click('#recover-link')]);
      expect(new URL(page.url()).pathname).toBe('/recover');
      expect(await page.textContent('h1')).toBe('多要素認証（MFA）のデバイスを使用できない場合');
      // The password step counts as evidence and the address is filled in from the session.
      expect(await page.inputValue('input[name=email]')).toBe(CUSTOMER.email);
      expect(await page.textContent('.notice')).toContain('パスワード確認済み');
      await page.fill('input[name=phone]', '090-1234-5678');
      await page.check('input[name=consent]');
      await b.screenshot('callback-form');
      const [submitted] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(submitted?.status()).toBe(202);
      expect(await page.textContent('[role=status]')).toContain('ご依頼を受け付けました');
      await b.screenshot('submitted');

      // The mail in the catcher's inbox names Monday 09:00 JST.
      await openMail(/MFAリセットのお電話を予約しました/);
      expect(await page.textContent('h1')).toContain('MFAリセットのお電話を予約しました');
      const body = (await page.textContent('pre')) ?? '';
      expect(body).toContain(CALL_TIME_JA);
      expect(body).toContain('AIによる自動音声');
      const cancelHref = await page.getAttribute('pre a[href*="/recover/cancel"]', 'href');
      expect(cancelHref).toMatch(new RegExp(`^${t.url}/recover/cancel\\?token=`));
      await b.screenshot('mail');
      const mailUrl = page.url();

      // An operator signs in (a different person: start from a clean cookie jar).
      await b.context.clearCookies();
      await signIn(OPERATOR.email, OPERATOR.password);
      expect(new URL(page.url()).pathname).toBe('/signin/mfa');
      await page.fill('input[name=code]', totpFor(operatorUri, clock.now()));
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(new URL(page.url()).pathname).toBe('/console');
      const row = page.locator('tbody tr:has(td[data-state=scheduled])');
      expect(await row.count()).toBe(1);
      // The list shows times in the business time zone (JST, named in the column head), in Japanese here.
      expect(await row.textContent()).toContain('2035-12-03 09:00:00');
      expect(await row.textContent()).toContain('発信予定');
      expect(await row.textContent()).not.toContain(CUSTOMER.email); // masked
      await b.screenshot('console');
      await Promise.all([page.waitForNavigation(), row.locator('a').first().click()]);
      const caseUrl = page.url();
      expect(await page.textContent('[data-testid=case-state]')).toBe('scheduled');
      expect(await page.textContent('[data-testid=scheduled-at]')).toBe('2035-12-03 09:00:00 JST');
      expect(await page.locator('table').first().textContent()).toContain('password_verified');
      await b.screenshot('case-scheduled');

      // The account holder did not ask for this: the link in the mail cancels it.
      await page.goto(mailUrl);
      await Promise.all([page.waitForNavigation(), page.click('pre a[href*="/recover/cancel"]')]);
      // The link only asks (mail scanners open links); the button on the page acts.
      await Promise.all([page.waitForNavigation(), page.click('form[action="/recover/cancel"] button')]);
      expect(await page.textContent('[role=status]')).toContain('ご依頼を取り消しました');
      await b.screenshot('cancelled');

      await page.goto(caseUrl);
      expect(await page.textContent('[data-testid=case-state]')).toBe('cancelled');
      expect(await page.locator('table').last().textContent()).toContain('cancelled_by_customer');
      await b.screenshot('case-cancelled');
    },
  );

  it('shows the rate-limit message after too many wrong authenticator codes, even for a right one', { timeout: 120_000 }, async () => {
    const { page } = b;
    await b.context.clearCookies();
    const account = { ...CUSTOMER, email: 'guesser@example.com', phone: '090-1234-5679' };
    const { otpauthUri } = await t.services.identity.createAccount({ ...account, mfa: true, role: 'customer' });
    const secret = secretOf(otpauthUri);
    const limit = t.services.config.limits.loginFailuresPer15Min;

    await signIn(account.email, account.password);
    expect(new URL(page.url()).pathname).toBe('/signin/mfa');
    const enterCode = async (code: string) => {
      await page.fill('input[name=code]', code);
      const [res] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      return res?.status();
    };
    // A code outside the accepted window (±1 step) around the server's time.
    const near = new Set([-1, 0, 1].map((step) => totpCode(secret, new Date(clock.now().getTime() + step * 30_000))));
    const wrong = ['000000', '111111', '222222', '333333'].find((c) => !near.has(c))!;
    for (let i = 0; i < limit; i++) {
      expect(await enterCode(wrong)).toBe(401);
      expect(await page.textContent('[role=alert]')).toBe('コードが正しくありません。');
    }
    await b.screenshot('wrong-code');
    expect(await enterCode(totpCode(secret, clock.now()))).toBe(429);
    expect(await page.textContent('[role=alert]')).toContain('試行回数が多すぎます');
    expect(new URL(page.url()).pathname).toBe('/signin/mfa');
    await b.screenshot('code-rate-limited');
  });
});
