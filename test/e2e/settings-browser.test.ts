import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbSsoSessions } from '../../src/identity/operator-sso/sso-sessions';
import { SSO_SESSION_COOKIE } from '../../src/web/plugins/operator-sso';
import { type TestBrowser, launchChromium } from './support/chromium';
import { manualClock } from './support/clocks';
import { InjectBrowser } from './support/inject-browser';
import { runCli } from './support/run-cli';
import { type TestServer, startTestServer } from './support/test-server';

/**
 * Issue 10: an admin edits the business hours and closed dates in /console/settings in Chromium, and
 * the next callback slot a recovery request gets moves with them (no restart); a bad entry is shown
 * beside its field; an operator who is not an admin sees the page read only and a forged post is
 * refused; the change is an audit event and `aizuchi audit verify` passes. Screenshots (ja and en)
 * land in test-artifacts/settings/.
 */
const SHOTS = fileURLToPath(new URL('../../test-artifacts/settings/', import.meta.url));
// Tuesday 2035-12-04 19:00 JST: closed, so a request now is called at the next opening.
const TUE_EVENING = new Date('2035-12-04T10:00:00Z');

describe('admin settings in Chromium', () => {
  const clock = manualClock(TUE_EVENING);
  let t: TestServer;
  let b: TestBrowser;
  let adminId: string;
  let n = 0;

  /** A recovery request through the public API; returns the case's callback time (ISO, UTC). */
  async function nextSlot(): Promise<string | null> {
    const email = `slot${++n}@example.com`;
    await t.services.identity.createAccount({ email, password: 'correct horse battery', name: `Slot ${n}`, phone: `090-4444-${1000 + n}` });
    const res = await t.server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      remoteAddress: `198.51.100.${10 + n}`,
      payload: { email, phone: `090-4444-${1000 + n}`, password: 'correct horse battery', lang: 'ja', consent: true },
    });
    expect(res.statusCode).toBe(202);
    return (await t.services.cases.list({ email }))[0]!.scheduled_at;
  }

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    t = await startTestServer({
      clock,
      reachableLinks: true,
      env: {
        AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
        // SSO only so that a non-admin role exists; the provider is never asked (sessions are made below).
        AIZUCHI_OIDC_ISSUER: 'http://127.0.0.1:9/',
        AIZUCHI_OIDC_CLIENT_ID: 'aizuchi-console',
        AIZUCHI_OIDC_CLIENT_SECRET: 'unused',
        AIZUCHI_OIDC_ROLE_MAP: 'aizuchi-operators=operator',
      },
    });
    const created = await t.services.identity.createAccount({
      email: 'admin@aizuchi.localhost',
      password: 'operator password',
      name: 'Ada',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    adminId = created.account.id;
    // New local operators start as `operator`; settings need an admin (aizuchi operators role).
    await t.services.operatorRoles.setRole(adminId, 'admin', 'test');
    b = await launchChromium(SHOTS);
    const session = await t.services.identity.sessions.create(adminId, 'full', clock.now());
    await b.context.addCookies([{ name: 'aizuchi_session', value: session.token, url: t.url.replace('localhost', '127.0.0.1') }]);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await t?.stop();
  });

  it('an admin moves Wednesday and closes a date; the next slot follows; a bad entry is named', { timeout: 300_000 }, async () => {
    const base = t.url.replace('localhost', '127.0.0.1');
    const { page } = b;
    expect(await nextSlot()).toBe('2035-12-05T00:00:00.000Z'); // Wednesday 09:00 JST from the environment

    await page.goto(`${base}/console/settings?lang=ja`);
    await expect(page.locator('h1').textContent()).resolves.toBe('設定');
    await expect(page.getByTestId('next-open').textContent()).resolves.toContain('2035-12-05 (水) 09:00 JST');
    await expect(page.getByTestId('policy-proofs-standard').textContent()).resolves.toBe(
      'パスワード + 登録済み電話番号への発信 + メールで送ったコード + 通話中にリセット',
    );
    await b.screenshot('settings-ja');
    await page.getByTestId('hours-wed').fill('13:00-17:00');
    await page.getByTestId('settings-save').click();
    await page.waitForURL(/saved=1/);
    await expect(page.getByTestId('settings-notice').textContent()).resolves.toContain('設定を保存しました');
    await expect(page.getByTestId('next-open').textContent()).resolves.toContain('2035-12-05 (水) 13:00 JST');
    await b.screenshot('settings-saved-ja');
    expect(await nextSlot()).toBe('2035-12-05T04:00:00.000Z'); // Wednesday 13:00 JST

    // A bad range and a past date: nothing saved, each problem beside its field (English).
    await page.goto(`${base}/console/settings?lang=en`);
    await page.getByTestId('hours-wed').fill('17:00-13:00');
    await page.getByTestId('closed-dates').fill('2035-12-01');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('error-wed').textContent()).resolves.toBe('Wednesday: "17:00-13:00" must close after it opens');
    await expect(page.getByTestId('error-closedDates').textContent()).resolves.toBe('Closed dates: 2035-12-01 is in the past');
    await b.screenshot('settings-invalid-en');
    expect(t.services.settings.current().version).toBe(1);

    // Lowering the policy asks for the confirmation first.
    await page.getByTestId('hours-wed').fill('13:00-17:00');
    await page.getByTestId('closed-dates').fill('2035-12-05');
    await page.getByTestId('policy-mailbox').check();
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('error-confirmLower').textContent()).resolves.toBe(
      'Lowering the policy from standard to mailbox needs the confirmation ticked',
    );
    await page.getByTestId('policy-standard').check();
    await page.getByTestId('settings-save').click();
    await page.waitForURL(/saved=1/);
    await expect(page.getByTestId('next-open').textContent()).resolves.toContain('2035-12-06 (Thu) 09:00 JST');
    await expect(page.getByTestId('settings-change').count()).resolves.toBe(2);
    await expect(page.getByTestId('settings-change').first().textContent()).resolves.toContain('closed dates: added: 2035-12-05');
    await b.screenshot('settings-history-en');
    await page.goto(`${base}/console/settings?lang=ja`);
    await expect(page.getByTestId('settings-change').first().textContent()).resolves.toContain('臨時休業日: 追加: 2035-12-05');
    await b.screenshot('settings-history-ja');
    await page.goto(`${base}/console/settings?lang=en`);
    expect(await nextSlot()).toBe('2035-12-06T00:00:00.000Z'); // Wednesday closed → Thursday 09:00 JST
  });

  it('an operator who is not an admin sees it read only, and a forged post is refused', async () => {
    const sso = dbSsoSessions(t.services.store.db, t.services.keys.tokenHmac, clock);
    const { token } = await sso.create(
      { issuer: 'http://127.0.0.1:9/', subject: 'otto', email: null, name: 'Otto', role: 'operator' },
      3_600_000,
    );
    const operator = new InjectBrowser(t.server.app, '192.0.2.9');
    operator.useCookie(SSO_SESSION_COOKIE, token);
    const view = await operator.get('/console/settings?lang=en');
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('data-testid="settings-read-only"');
    expect(view.body).not.toContain('data-testid="settings-save"');
    // The page's sign-out form gives a valid CSRF token: the refusal below is the role's.
    const forged = await operator.submit('/console/settings?lang=en', '/console/settings?lang=en', {
      wed: '00:00-24:00',
      mon: '09:00-18:00',
      policy: 'mailbox',
      confirmLower: 'on',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('needs the admin role');
    expect(t.services.settings.current()).toMatchObject({ version: 2, updatedBy: adminId });
  });

  it('every change is in the audit chain with the admin, and `aizuchi audit verify` passes', { timeout: 300_000 }, async () => {
    const events = await t.services.store.db
      .selectFrom('case_events')
      .selectAll()
      .where('kind', '=', 'business_settings_changed')
      .orderBy('seq')
      .execute();
    expect(events.map((e) => JSON.parse(e.data) as { actorId: string; changes: object })).toEqual([
      {
        actorId: adminId,
        version: 1,
        changes: { weeklyHours: { from: 'mon-fri 09:00-18:00', to: expect.stringContaining('wed 13:00-17:00') } },
      },
      { actorId: adminId, version: 2, changes: { closedDates: { from: [], to: ['2035-12-05'] } } },
    ]);
    const verified = await runCli(['audit', 'verify'], {
      AIZUCHI_DATA_DIR: t.dataDir,
      AIZUCHI_DATABASE_URL: t.databaseUrl,
      AIZUCHI_LOG_LEVEL: 'warn',
    });
    expect(verified).toMatchObject({ code: 0, stderr: '' });
    expect(verified.stdout).toMatch(/^audit chain intact: \d+ events/);
  });
});
