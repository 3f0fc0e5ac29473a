import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMfaReset } from '../../src/calls/mfa-reset';
import { DISOWNED_AFTER_RESET } from '../../src/cases/recovery-undo';
import type { Lang } from '../../src/domain/lang';
import { caseListPage } from '../../src/web/pages/console/case-list-page';
import { manualClock } from '../e2e/support/clocks';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

// Issue 7, finding 4: "this wasn't me" recorded instead of acting. The link must show a page
// (GET), act only on a same-site POST, cancel and lock before a reset, and after a reset also
// freeze enrolment, revoke sessions, flag the case for a person and mail the owner.

const SATURDAY_10_JST = new Date('2035-12-01T01:00:00Z');
const PASSWORD = 'correct horse battery';

describe('"this wasn\'t me" acts (red team, finding 4)', () => {
  const clock = manualClock(SATURDAY_10_JST);
  let t: TestServer;
  let seq = 0;
  const nextIp = () => `192.0.2.${++seq}`;

  beforeAll(async () => {
    t = await startTestServer({ clock, env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0', AIZUCHI_RECOVERY_LOCK_DAYS: '30' } });
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function owner(tag: string, phone: string, lang: Lang = 'ja') {
    const email = `${tag}@example.com`;
    await t.services.identity.createAccount({
      email,
      password: PASSWORD,
      name: lang === 'ja' ? '猪股 太郎' : 'Pat Smith',
      phone,
      lang,
      mfa: true,
    });
    return email;
  }

  const request = (email: string, phone: string, lang: Lang = 'ja', password: string | undefined = PASSWORD) =>
    t.server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      remoteAddress: nextIp(),
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email, phone, lang, consent: true, password }),
    });

  async function mails(email: string) {
    await t.services.jobs.worker.runDue();
    const res = await t.server.app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${encodeURIComponent(email)}` });
    return res.json() as Array<{ subject: string; text: string }>;
  }

  /** The "this wasn't me" link of the newest mail that has one, as path + query. */
  async function undoLink(email: string, subject = /./): Promise<{ path: string; token: string; lang: string }> {
    const withLink = (await mails(email)).find((m) => subject.test(m.subject) && /\/recover\/cancel\?/.test(m.text));
    const url = new URL(/https?:\/\/\S+\/recover\/cancel\?\S+/.exec(withLink?.text ?? '')![0]);
    return { path: url.pathname + url.search, token: url.searchParams.get('token')!, lang: url.searchParams.get('lang')! };
  }

  const confirm = (token: string, lang: string, headers: Record<string, string> = {}) =>
    t.server.app.inject({
      method: 'POST',
      url: '/recover/cancel',
      headers: { 'content-type': 'application/x-www-form-urlencoded', host: 'localhost', ...headers },
      payload: new URLSearchParams({ token, lang }).toString(),
    });

  const casesOf = (email: string) => t.services.cases.list({ email });

  it.each([
    ['ja', '心当たりがありません'],
    ['en', 'cancel and protect my account'],
  ] as const)('GET only shows a confirmation page with a POST form (%s); nothing changes', async (lang, button) => {
    clock.set(SATURDAY_10_JST);
    const email = await owner(`get-only-${lang}`, lang === 'ja' ? '090-7100-0001' : '090-7100-0002', lang);
    await request(email, lang === 'ja' ? '090-7100-0001' : '090-7100-0002', lang);
    const link = await undoLink(email);
    for (let i = 0; i < 3; i++) {
      const page = await t.server.app.inject({ method: 'GET', url: link.path });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(button);
      expect(page.body).toMatch(/<form method="post" action="\/recover\/cancel">/);
      expect(page.headers['referrer-policy']).toBe('same-origin');
    }
    const [c] = await casesOf(email);
    expect(c!.state).toBe('scheduled');
    expect((await t.services.cases.history(c!.id)).map((e) => e.kind)).toEqual(['case_opened', 'callback_scheduled']);
  });

  it('refuses a cross-site POST, and a forged token', async () => {
    clock.set(SATURDAY_10_JST);
    const email = await owner('cross-site', '090-7100-0003');
    await request(email, '090-7100-0003');
    const { token, lang } = await undoLink(email);
    expect((await confirm(token, lang, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await confirm(token, lang, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await confirm(token, lang, { origin: 'null' })).statusCode).toBe(403);
    expect((await confirm('A'.repeat(43), lang)).statusCode).toBe(404);
    expect((await casesOf(email))[0]!.state).toBe('scheduled');
  });

  it('before a reset: cancels, locks recovery (a new request goes to a person with the same answer), mails the owner', async () => {
    clock.set(SATURDAY_10_JST);
    const email = await owner('before-reset', '090-7100-0004');
    const first = await request(email, '090-7100-0004');
    const { token, lang } = await undoLink(email);
    const done = await confirm(token, lang, { origin: 'http://localhost', 'sec-fetch-site': 'same-origin' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('ご依頼を取り消しました');
    const [c] = await casesOf(email);
    expect(c).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
    expect((await mails(email)).map((m) => m.subject).some((s) => s.includes('取り消しました'))).toBe(true);

    // The owner (or whoever has the password) asks again: same answer, but no callback.
    clock.advance(86_400_000);
    const again = await request(email, '090-7100-0004');
    expect(again.statusCode).toBe(202);
    expect(again.body).toBe(first.body);
    const newest = (await casesOf(email)).find((x) => x.id !== c!.id)!;
    expect(newest.state).toBe('escalated');
    const review = (await t.services.cases.history(newest.id)).find((e) => e.kind === 'needs_review');
    expect(JSON.parse(review!.data)).toMatchObject({ reason: 'recovery_locked' });

    // A second confirmation changes nothing more.
    expect((await confirm(token, lang)).body).toContain('すでにご連絡を受け付けています');

    // After the configured 30 days, self-service recovery works again.
    clock.advance(30 * 86_400_000);
    await request(email, '090-7100-0004');
    expect((await casesOf(email)).map((x) => x.state)).toContain('scheduled');
  });

  it('after a reset: freezes enrolment, revokes sessions, flags the case for a person, mails the owner; an operator unfreezes', async () => {
    clock.set(SATURDAY_10_JST);
    const email = await owner('after-reset', '090-7100-0005', 'en');
    await request(email, '090-7100-0005', 'en');
    const [c] = await casesOf(email);
    const account = (await t.services.identity.findAccountByEmail(email))!;
    // The agent's path to a reset, then the real end state (MFA removed, new mail with a fresh link).
    await t.services.cases.inTransaction(async (trx) => {
      await t.services.cases.transition(trx, c!.id, 'calling', 'call_started');
      await t.services.cases.transition(trx, c!.id, 'verifying', 'verifying');
    });
    const reset = createMfaReset({
      cases: t.services.cases,
      identity: t.services.identity,
      queue: t.services.jobs.queue,
      tokenKey: t.services.keys.tokenHmac,
      clock,
      publicUrl: t.services.config.publicUrl,
      companyName: t.services.config.companyName,
      timeZone: t.services.config.calendar.timeZone,
      logger: t.services.logger,
    });
    await reset.perform(c!.id, account.id, (await t.services.identity.getContact(account.id))!, 'agent');
    // Whoever reset it signs in and would now enrol their own authenticator.
    const intruder = new InjectBrowser(t.server.app, '198.51.100.66');
    expect((await intruder.signIn(email, PASSWORD)).headers.location).toMatch(/^\/signin\/enroll/);
    const { token, lang } = await undoLink(email, /MFA was removed/);

    const done = await confirm(token, lang);
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Every session is signed out');
    expect((await t.services.cases.require(c!.id)).review_flag).toBe(DISOWNED_AFTER_RESET);
    const live = await t.services.store.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('account_id', '=', account.id)
      .where('revoked_at', 'is', null)
      .execute();
    expect(live).toEqual([]);
    expect((await intruder.get('/signin/enroll?lang=en')).statusCode).not.toBe(200);
    const next = new InjectBrowser(t.server.app, '198.51.100.67');
    await next.signIn(email, PASSWORD);
    const frozen = await next.get('/signin/enroll?lang=en');
    expect(frozen.statusCode).toBe(403);
    expect(frozen.body).toContain('setting up a new authenticator is paused');
    expect((await mails(email)).map((m) => m.subject)).toContain('[aizuchi] We have acted on "this wasn\'t me"');
    // Visible in the console's case list.
    const rows = await casesOf(email);
    const listed = caseListPage({
      result: { rows, total: rows.length, page: 1, pageSize: 50, pages: 1 },
      reasons: new Map(),
      query: {},
      mask: { email: (e) => e, phone: (p) => p },
      timeZone: 'Asia/Tokyo',
      refreshSeconds: 30,
      lang: 'en',
    });
    expect(listed).toContain('data-testid="review-flag"');

    // A new request goes to a person, not to a callback.
    clock.advance(3_600_000);
    await request(email, '090-7100-0005', 'en');
    expect((await casesOf(email)).filter((x) => x.id !== c!.id).map((x) => x.state)).toEqual(['escalated']);

    // An operator, after talking to the owner, lifts the freeze.
    await t.services.undo.unfreeze(c!.id, 'operator-1');
    expect((await t.services.cases.require(c!.id)).review_flag).toBeNull();
    const ownBrowser = new InjectBrowser(t.server.app, '198.51.100.68');
    expect((await ownBrowser.signIn(email, PASSWORD)).headers.location).toMatch(/^\/signin\/enroll/);
    expect((await ownBrowser.get('/signin/enroll?lang=en')).statusCode).toBe(200);
  });
});
