import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from './support/chromium';
import { runningClockFrom } from './support/clocks';
import { totpFor } from './support/totp';
import { type TestServer, startTestServer } from './support/test-server';

/**
 * Issue 10 done-when, in Chromium: "a second operator approves a manual recovery of a privileged
 * account". Operator A claims the escalated case of an operator account, ticks the policy's
 * checklist and submits: it waits; A has no approve button and a forged POST is refused. Operator B
 * signs in with TOTP and approves; the local identity provider then has no MFA on the account and
 * its next sign-in must enrol a new device; the timeline names both operators and the evidence.
 * Screenshots (ja and en) land in test-artifacts/manual-recovery/.
 */

// Monday 2035-12-03 10:00 JST, running on with real time (sessions and TOTP windows behave).
const MONDAY_10_JST = new Date('2035-12-03T01:00:00Z');
const SHOTS = fileURLToPath(new URL('../../test-artifacts/manual-recovery/', import.meta.url));
const TARGET = { email: 'admin-lost-phone@example.com', password: 'target password!', name: 'Target Op', phone: '03-1111-2222' };

describe('manual recovery of a privileged account in Chromium', () => {
  const clock = runningClockFrom(MONDAY_10_JST);
  let t: TestServer;
  let b: TestBrowser;

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    t = await startTestServer({ clock, env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' } });
    b = await launchChromium(SHOTS);
  });
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });

  async function signInWithTotp(email: string, otpauthUri: string, lang: 'ja' | 'en') {
    const { page } = b;
    await b.context.clearCookies();
    await page.goto(`${t.url}/signin?lang=${lang}`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', 'operator password');
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/signin/mfa');
    await page.fill('input[name=code]', totpFor(otpauthUri, clock.now()));
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    expect(new URL(page.url()).pathname).toBe('/console');
  }
  const go = async (selector: string) => {
    await Promise.all([b.page.waitForNavigation(), b.page.click(selector)]);
  };

  it(
    'A asks, A cannot approve, B approves; MFA is gone, re-enrolment is due and the timeline shows both',
    { timeout: 180_000 },
    async () => {
      const { page } = b;
      const target = await t.services.identity.createAccount({ ...TARGET, role: 'operator', mfa: true, lang: 'ja' });
      const opA = await t.services.identity.createAccount({
        email: 'op-a@example.com',
        password: 'operator password',
        name: 'Op A',
        phone: '03-1234-5678',
        role: 'operator',
        mfa: true,
      });
      const opB = await t.services.identity.createAccount({
        email: 'op-b@example.com',
        password: 'operator password',
        name: 'Op B',
        phone: '03-1234-5679',
        role: 'operator',
        mfa: true,
      });
      // The target asks from a number not on record: the case waits for a person.
      const asked = await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        remoteAddress: '192.0.2.77',
        payload: { email: TARGET.email, phone: '080-7777-0001', lang: 'ja', consent: true },
      });
      expect(asked.statusCode).toBe(202);
      const caseId = (await t.services.cases.list({ email: TARGET.email }))[0]!.id;

      // Operator A (Japanese console): claim, open the checklist, tick every box, submit.
      await signInWithTotp('op-a@example.com', opA.otpauthUri!, 'ja');
      await page.goto(`${t.url}/console/escalations?lang=ja`);
      await go(`tr:has(td[data-testid=holder]) a`);
      await go('[data-testid=claim-form] button');
      await go('[data-testid=manual-link]');
      expect(await page.locator('[data-testid=second-operator]').textContent()).toContain('特権アカウント');
      for (const box of await page.locator('[data-testid=checklist] input[type=checkbox]').all()) await box.check();
      await page.fill('textarea[name=note]', '会社の電話から登録番号に発信し、本人確認書類を確認しました');
      await b.screenshot('ja-checklist');
      await go('[data-testid=manual-form] button[type=submit]');
      expect(await page.textContent('[data-testid=manual-done]')).toContain('別のオペレーターの承認を待っています');
      expect(await page.getAttribute('[data-testid=manual-state]', 'data-state')).toBe('pending');
      // A's own request: no approve button, and a forged POST with A's valid CSRF token is refused.
      expect(await page.locator('[data-testid=approve-manual-form]').count()).toBe(0);
      expect(await page.locator('[data-testid=own-request]').count()).toBe(1);
      await b.screenshot('ja-pending-own-request');
      const reviewPath = new URL(page.url()).pathname;
      const forged = await page.evaluate(async (path) => {
        const csrf = (document.querySelector('input[name=_csrf]') as HTMLInputElement).value;
        const res = await fetch(`${path}/approve`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf }), redirect: 'manual' });
        return res.status;
      }, reviewPath);
      expect(forged).toBe(403);
      expect(await t.services.identity.getAccount(target.account.id)).toMatchObject({ mfaEnabled: true, mfaEnrollRequired: false });

      // Operator B (English console) finds it from the queue and approves.
      await signInWithTotp('op-b@example.com', opB.otpauthUri!, 'en');
      await page.goto(`${t.url}/console/escalations?lang=en`);
      expect(await page.textContent('[data-testid=manual-waiting]')).toContain('waiting for a second operator: 1');
      await go('[data-testid=manual-waiting] a');
      await go('[data-testid=manual-pending] a');
      expect(await page.textContent('[data-testid=requested-by]')).toBe('Op A');
      expect(await page.locator('[data-testid=attested] li').count()).toBe(4);
      await b.screenshot('en-review');
      await go('[data-testid=approve-manual-form] button');
      expect(await page.textContent('[data-testid=manual-done]')).toContain('MFA was reset');
      expect(await page.textContent('[data-testid=decided-by]')).toBe('you');
      await b.screenshot('en-approved');

      // The identity provider: no factor left, a new one due at the next sign-in, sessions gone.
      expect(await t.services.identity.getAccount(target.account.id)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
      expect(await t.services.accounts.listMfaFactors(target.account.id)).toEqual([]);
      expect(await t.services.cases.require(caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });

      // The timeline names both operators and the evidence, in English and Japanese.
      await page.goto(`${t.url}/console/cases/${caseId}?lang=en`);
      const timeline = (await page.textContent('[data-testid=timeline]')) ?? '';
      expect(timeline).toContain('Manual recovery requested');
      expect(timeline).toContain('Operator Op A');
      expect(timeline).toContain('Manual recovery approved by a second operator');
      expect(timeline).toContain('Operator Op B');
      expect(timeline).toContain('operator_checked');
      expect(timeline).toContain('Via: manual');
      await b.screenshot('en-timeline');
      await page.goto(`${t.url}/console/cases/${caseId}?lang=ja`);
      expect(await page.textContent('[data-testid=timeline]')).toContain('手動リカバリーを別のオペレーターが承認');
      await b.screenshot('ja-timeline');

      // The target's next sign-in goes to enrolment of a new device.
      await b.context.clearCookies();
      await page.goto(`${t.url}/signin?lang=ja`);
      await page.fill('input[name=email]', TARGET.email);
      await page.fill('input[name=password]', TARGET.password);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(new URL(page.url()).pathname).toBe('/signin/enroll');
      await b.screenshot('ja-target-must-enrol');
    },
  );
});
