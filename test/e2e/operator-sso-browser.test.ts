import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from './support/chromium';
import { runningClockFrom } from './support/clocks';
import { type SsoDesk, startSsoDesk } from './support/sso-desk';

/**
 * Issue 12, done-when: an operator signs in to the console through the company's OpenID Connect
 * provider in Chromium — aizuchi's sign-in page, the provider's own login page, back to /console —
 * and gets the role their group maps to. Screenshots land in test-artifacts/e2e/operator-sso/.
 */
const SHOTS = fileURLToPath(new URL('../../test-artifacts/e2e/operator-sso/', import.meta.url));

describe('operator SSO in Chromium', () => {
  let desk: SsoDesk;
  let b: TestBrowser;
  let base: string;

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    // Real time: the provider signs ID tokens with its own clock and openid-client checks them with it.
    desk = await startSsoDesk({
      people: { 'otto.operator': { email: 'otto@corp.example', name: 'Otto Operator', groups: ['staff', 'aizuchi-operators'] } },
      roleMap: 'aizuchi-admins=admin,aizuchi-operators=operator,aizuchi-viewers=viewer',
      clock: runningClockFrom(new Date()),
    });
    ({ base } = desk);
    b = await launchChromium(SHOTS);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await desk?.stop();
  });

  it('signs in through the provider login page and lands on /console as operator', { timeout: 120_000 }, async () => {
    const { page } = b;
    await page.goto(`${base}/signin?lang=en`);
    await b.screenshot('aizuchi-signin');
    await page.getByTestId('sso-link').click();
    await page.waitForURL((url) => url.origin === new URL(desk.idp.issuer).origin);
    await page.locator('input[name="login"]').fill('otto.operator');
    await page.locator('input[name="password"]').fill('any password');
    await b.screenshot('provider-login');
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${base}/console?lang=en`);
    await expect(page.getByTestId('console-role').textContent()).resolves.toBe('Signed in as operator');
    await expect(page.locator('h1').textContent()).resolves.toBe('Cases');
    expect(fs.existsSync(await b.screenshot('console-as-operator'))).toBe(true);
  });
});
