import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestBrowser, launchChromium } from './support/chromium';
import { manualClock } from './support/clocks';
import { type TestServer, startTestServer } from './support/test-server';
import { totpFor } from './support/totp';

/**
 * Issue 10 in Chromium: an operator signed in from two browsers sees both on /console/sessions,
 * ends the other one, and the other browser's next page is sign-in; on a case page "Show" asks a
 * stale sign-in for password + code, then shows the full number. Screenshots (ja and en) land in
 * test-artifacts/sessions/.
 */
const SHOTS = fileURLToPath(new URL('../../test-artifacts/sessions/', import.meta.url));
const START = new Date('2035-12-03T01:00:00Z'); // Monday 10:00 JST

describe('console sessions and reveal in Chromium', () => {
  const clock = manualClock(START);
  let t: TestServer;
  let here: TestBrowser;
  let there: TestBrowser;
  let base: string;
  let uri: string;
  let caseId: string;

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    t = await startTestServer({ clock, env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' } });
    base = t.url.replace('localhost', '127.0.0.1');
    const created = await t.services.identity.createAccount({
      email: 'ann@aizuchi.localhost',
      password: 'operator password',
      name: 'Ann',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    uri = created.otpauthUri!;
    await t.services.identity.createAccount({
      email: 'pat@example.com',
      password: 'correct horse battery',
      name: 'Pat',
      phone: '090-1111-2222',
    });
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      remoteAddress: '198.51.100.9',
      payload: { email: 'pat@example.com', phone: '080-3333-4444', lang: 'ja', consent: true },
    });
    expect(res.statusCode).toBe(202);
    caseId = (await t.services.cases.list({ email: 'pat@example.com' }))[0]!.id;
    here = await launchChromium(SHOTS);
    there = await launchChromium(SHOTS);
    // Each browser signed in (password + TOTP done) with its own User-Agent, as /console/sessions shows it.
    for (const b of [here, there]) {
      const ua = await b.page.evaluate(() => navigator.userAgent);
      const session = await t.services.identity.sessions.create(created.account.id, 'full', clock.now(), ua);
      await b.context.addCookies([{ name: 'aizuchi_session', value: session.token, url: base }]);
    }
  }, 60_000);
  afterAll(async () => {
    await here?.close();
    await there?.close();
    await t?.stop();
  });

  it('lists both browsers, ends the other one, and the other lands on sign-in', { timeout: 120_000 }, async () => {
    await there.page.goto(`${base}/console?lang=ja`);
    expect(new URL(there.page.url()).pathname).toBe('/console');
    const { page } = here;
    await page.goto(`${base}/console?lang=ja`);
    await page.getByRole('link', { name: 'セッション' }).click();
    await expect.poll(() => page.locator('[data-testid="my-sessions"] [data-testid="session-row"]').count()).toBe(2);
    expect(await page.locator('[data-testid="this-session"]').textContent()).toBe('このブラウザー');
    expect(await page.locator('[data-testid="my-sessions"]').textContent()).toContain('Chrome (headless)（Linux）');
    await here.screenshot('sessions-two-ja');
    await page.goto(`${base}/console/sessions?lang=en`);
    await here.screenshot('sessions-two-en');

    await page.locator('[data-testid^="revoke-"]:not([data-testid="revoke-others"])').first().click();
    await page.waitForURL(/done=one/);
    expect(await page.locator('[data-testid="sessions-notice"]').textContent()).toContain('The session was ended');
    expect(await page.locator('[data-testid="my-sessions"] [data-testid="session-row"]').count()).toBe(1);
    await here.screenshot('sessions-revoked-en');

    await there.page.goto(`${base}/console?lang=ja`);
    expect(new URL(there.page.url()).pathname).toBe('/signin');
    await there.screenshot('other-browser-signin-ja');
  });

  it('Show asks a stale sign-in for password and code, then shows the full number', { timeout: 120_000 }, async () => {
    clock.advance(6 * 60_000);
    const { page } = here;
    await page.goto(`${base}/console/cases/${caseId}?lang=ja`);
    expect(await page.content()).not.toContain('3333-4444');
    await page.locator('[data-testid="reveal-phone"]').click();
    await page.waitForURL(/\/signin\/reauth/);
    await here.screenshot('reveal-reauth-ja');
    await page.locator('input[name="password"]').fill('operator password');
    await page.locator('input[name="code"]').fill(totpFor(uri, clock.now()));
    await page.locator('[data-testid="reauth-form"] button[type="submit"]').click();
    await page.waitForURL(new RegExp(`/console/cases/${caseId}`));
    await page.locator('[data-testid="reveal-phone"]').click();
    await page.locator('[data-testid="revealed-national"]').waitFor();
    expect(await page.locator('[data-testid="revealed-e164"]').textContent()).toBe('+818033334444');
    expect(await page.locator('[data-testid="revealed-national"]').textContent()).toBe('080-3333-4444');
    await here.screenshot('reveal-shown-ja');
    await page.goto(`${base}/console/cases/${caseId}?lang=en`);
    await page.locator('[data-testid="reveal-email"]').click();
    await page.locator('[data-testid="revealed-email"]').waitFor();
    expect(await page.locator('[data-testid="revealed-email"]').textContent()).toBe('pat@example.com');
    await here.screenshot('reveal-shown-en');
    const events = (await t.services.cases.history(caseId)).filter((e) => e.kind === 'contact_revealed');
    expect(events.map((e) => (JSON.parse(e.data) as { field: string }).field)).toEqual(['phone', 'email']);
  });
});
