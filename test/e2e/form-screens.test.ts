import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from './support/chromium';
import { runningClockFrom } from './support/clocks';
import { type TestServer, startTestServer } from './support/test-server';

/**
 * The customer's forms in Chromium, in Japanese and English, on a desktop and a 390 px phone
 * (issue 13): sign-in and the MFA step refusing bad input, the callback form fresh and refused,
 * the mail inbox. Each state: no sideways scrolling, the error in the page's language, the consent
 * boxes honest, a language switch. Screenshots land in test-artifacts/e2e/forms/.
 */
const SHOTS = fileURLToPath(new URL('../../test-artifacts/e2e/forms/', import.meta.url));
// A date years ahead keeps cookie expiry (judged by the browser's own clock) in the future.
const START = new Date('2035-12-03T01:00:00Z');

const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
const TEXTS = {
  ja: {
    missingCredentials: 'メールアドレスとパスワードを入力してください。',
    malformedCode: '認証アプリに表示されている6桁の数字を入力してください。',
    badPhone: '電話番号の形式が正しくありません',
    mfaTitle: '多要素認証（MFA）',
    switchTo: 'English',
    sent: 'ご依頼を受け付けました',
    inbox: 'メールキャッチャーの受信箱',
  },
  en: {
    missingCredentials: 'Please enter your email address and password.',
    malformedCode: 'Please enter the 6 digits shown in your authenticator app.',
    badPhone: 'Please enter a valid phone number',
    mfaTitle: 'Multi-factor authentication (MFA)',
    switchTo: '日本語',
    sent: 'We have sent the time of the call',
    inbox: 'Mail catcher inbox',
  },
} as const;

type Lang = keyof typeof TEXTS;

/** The page fits its viewport: nothing makes the document wider than the window. */
const fits = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe('customer forms in both languages and at both widths', () => {
  let t: TestServer;
  let b: TestBrowser;
  let n = 0;

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    t = await startTestServer({ clock: runningClockFrom(START), env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' } });
    b = await launchChromium(SHOTS);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });

  for (const lang of ['ja', 'en'] as const) {
    for (const [widthName, viewport] of Object.entries(WIDTHS)) {
      it(`${lang}, ${widthName} (${viewport.width} px): sign-in, MFA step, callback form, inbox`, { timeout: 120_000 }, async () => {
        const { page, context } = b;
        const text = TEXTS[lang as Lang];
        const email = `forms-${lang}-${widthName}@example.com`;
        await t.services.identity.createAccount({
          email,
          password: 'correct horse battery',
          name: 'Pat',
          phone: '090-1234-5678',
          lang,
          mfa: true,
          role: 'customer',
        });
        await context.clearCookies();
        await page.setViewportSize(viewport);
        const state = async (name: string) => {
          expect(await fits(page), `${name}: no horizontal overflow at ${viewport.width} px`).toBe(true);
          expect(await page.locator('[data-testid=lang-switch]').textContent(), `${name}: language switch`).toBe(text.switchTo);
          expect(await page.getAttribute('html', 'lang')).toBe(lang);
          await page.screenshot({ path: `${SHOTS}${String(++n).padStart(2, '0')}-${lang}-${widthName}-${name}.png`, fullPage: true });
        };
        const submit = () => Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);

        // Sign-in, refused on the server for a missing password (the browser's own check removed).
        await page.goto(`${t.url}/signin?lang=${lang}`);
        await state('signin');
        await page.fill('input[name=email]', email);
        await page.evaluate(() => document.querySelectorAll('[required]').forEach((e) => e.removeAttribute('required')));
        await submit();
        expect(await page.textContent('.error')).toBe(text.missingCredentials);
        expect(await page.inputValue('input[name=email]')).toBe(email);
        await state('signin-error');

        // The MFA step, refused for a code that is not six digits.
        await page.fill('input[name=password]', 'correct horse battery');
        await submit();
        expect(new URL(page.url()).pathname).toBe('/signin/mfa');
        expect(await page.textContent('h1')).toBe(text.mfaTitle);
        await page.evaluate(() => document.querySelector('input[name=code]')?.removeAttribute('pattern'));
        await page.fill('input[name=code]', '12ab');
        await submit();
        expect(await page.textContent('.error')).toBe(text.malformedCode);
        await state('mfa-error');

        // The callback form: neither consent pre-ticked.
        await Promise.all([page.waitForNavigation(), page.click('#recover-link')]);
        expect(new URL(page.url()).pathname).toBe('/recover');
        expect(await page.isChecked('input[name=consent]')).toBe(false);
        expect(await page.isChecked('input[name=recordingConsent]')).toBe(false);
        await state('recover');

        // Refused for a phone number that is none: the error in this language, everything kept.
        await page.fill('input[name=phone]', 'call me maybe');
        await page.check('input[name=consent]');
        await page.check('input[name=recordingConsent]');
        await submit();
        expect(await page.textContent('.error')).toContain(text.badPhone);
        expect(await page.inputValue('input[name=phone]')).toBe('call me maybe');
        expect(await page.isChecked('input[name=consent]')).toBe(true);
        expect(await page.isChecked('input[name=recordingConsent]')).toBe(true);
        await state('recover-error');

        // Sent: the answer page has the switch too; it leads to GET /recover/sent in the other
        // language (a POST's answer cannot be asked again) and back (issue 13).
        await page.fill('input[name=phone]', '090-1234-5678');
        await submit();
        expect(await page.textContent('main')).toContain(text.sent);
        await state('recover-sent');
        const other: Lang = lang === 'ja' ? 'en' : 'ja';
        for (const to of [other, lang] as const) {
          await Promise.all([page.waitForNavigation(), page.click('[data-testid=lang-switch]')]);
          expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(`/recover/sent?lang=${to}`);
          expect(await page.getAttribute('html', 'lang')).toBe(to);
          expect(await page.textContent('main')).toContain(TEXTS[to].sent);
          expect(await fits(page), `recover-sent in ${to}: no horizontal overflow`).toBe(true);
          if (to === other)
            await page.screenshot({
              path: `${SHOTS}${String(++n).padStart(2, '0')}-${lang}-${widthName}-recover-sent-switched-${to}.png`,
              fullPage: true,
            });
        }

        // The mail inbox, in this language, with a long subject and address that must wrap, not widen the page.
        await t.services.mail.sender.send({
          to: `a-very-long-mailbox-name-that-does-not-fit-${lang}-${widthName}@subdomain.example.com`,
          subject: '多要素認証（MFA）のリセットのお電話を予約しました／Your MFA reset call is booked',
          text: 'https://localhost/recover/cancel?token=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz',
          messageId: `<forms-${lang}-${widthName}@aizuchi.localhost>`,
        });
        await page.goto(`${t.url}/dev/mail?lang=${lang}`);
        await page.waitForSelector('main tbody tr');
        expect(await page.textContent('h1')).toBe(text.inbox);
        await state('inbox');
      });
    }
  }
});
