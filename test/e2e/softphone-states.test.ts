import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectedCall } from '../../src/calls/call-service';
import type { Dialer } from '../../src/cases/callback-job';
import { loadConfig } from '../../src/config';
import type { Lang } from '../../src/domain/lang';
import { formatMailTime } from '../../src/mail/templates';
import { type RunningServer, type Services, createServices, startServer } from '../../src/main';
import { type Softphone, createSoftphone, softphoneTextCall, softphoneUrl } from '../../src/telephony/softphone';
import { softphonePlugin } from '../../src/web/plugins/softphone';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './support/chromium';
import { pressKeys, softphoneStats, waitFor, waitForSoftphoneState } from './support/softphone-page';

// Issue 13: every state of the softphone page, in ja and en, at desktop and 390 px phone width, each
// screenshot next to an assertion about what the page says. PNGs: test-artifacts/e2e/softphone-states.
const SHOTS = path.resolve('test-artifacts/e2e/softphone-states');
const DESKTOP = { width: 1100, height: 900 };
const PHONE = { width: 390, height: 844 };

/** What each language's page must say, per state. */
const SAYS = {
  ja: {
    ready: '音とマイクを有効にする',
    lead: 'このページを開いたまま',
    ringing: 'お電話です',
    declined: '着信を拒否されました。',
    nextCall: '次のお電話:',
    reset: '多要素認証（MFA）を解除しました',
    closing: 'MFAを解除',
    signIn: 'サインインする',
    finalTitle: 'このご依頼は終了しました',
    ended: '通話は終了しました。',
    escalatedTitle: '担当者にお引き継ぎしました',
    cancelled: 'このご依頼は取り消されました。',
  },
  en: {
    ready: 'Turn on sound and microphone',
    lead: 'Keep this page open',
    ringing: 'Incoming call',
    declined: 'You declined the call.',
    nextCall: 'Next call:',
    reset: 'Multi-factor authentication (MFA) has been turned off',
    closing: 'MFA',
    signIn: 'Sign in',
    finalTitle: 'This request has ended',
    ended: 'The call has ended.',
    escalatedTitle: 'Passed to our staff',
    cancelled: 'This request was cancelled.',
  },
} as const;

/** The customer's side of the text story up to the code question, per language (as in text-call.test.ts). */
const STORY: Record<Lang, string[]> = {
  ja: ['あ、そうです～～猪股です。', '大丈夫です～～', 'えーっと、エム、エー、ティ、ティ、ワイ', 'アットマーク、ジーメールドットコムです'],
  en: ['Yes, speaking.', "Sure, that's fine.", 'a, l, e, x, i', 'at gmail dot com'],
};

let dataDir: string;
let services: Services;
let server: RunningServer;
let softphone: Softphone;
let context: BrowserContext;
let shots = 0;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-softphone-states-'));
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const config = loadConfig({
    PORT: '0',
    AIZUCHI_MAIL_CATCHER_PORT: '0',
    AIZUCHI_METRICS_PORT: '0',
    AIZUCHI_DATA_DIR: dataDir,
    AIZUCHI_LOG_LEVEL: 'silent',
    AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
    AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
    AIZUCHI_JAPANESE_HOLIDAYS: 'false',
    AIZUCHI_COMPANY_NAME: 'エーダブリューエス',
    AIZUCHI_AGENT_NAME: '佐藤',
    // A softphone proves no phone possession: these calls reset only under `mailbox`.
    AIZUCHI_POLICY: 'mailbox',
  });
  const dialer: Dialer = { provesPhonePossession: false, dial: (trx, caseId, attempt) => softphone.dialer.dial(trx, caseId, attempt) };
  services = await createServices(config, { dialer, withSoftphone: false });
  // Captioned text calls: the page states are the subject here, not the voice engines.
  softphone = createSoftphone<ConnectedCall>({
    store: services.store,
    clock: services.clock,
    tokenKey: services.keys.tokenHmac,
    cases: services.cases,
    calls: services.calls,
    openVoice: async (args) => softphoneTextCall(args.audio),
  });
  const plugin = softphonePlugin({
    db: services.store.db,
    links: softphone.links,
    calls: softphone.calls,
    hub: softphone.hub,
    startSession: softphone.startSession,
    pollIntervalMs: 300,
    caseCheckMs: 300,
    timeZone: config.calendar.timeZone,
  });
  server = await startServer(services, [plugin]);
  context = await chromium.launchPersistentContext(path.join(dataDir, 'chromium'), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
    locale: 'ja-JP',
    viewport: DESKTOP,
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An account in `lang`, its recovery request, and a softphone link for the case. */
async function requestCallback(lang: Lang, email: string, phone: string): Promise<{ caseId: string; link: string }> {
  const password = 'correct-horse-battery';
  await services.identity.createAccount({ email, name: lang === 'ja' ? '猪股' : 'Alex Inomata', phone, password, lang, mfa: true });
  const res = await fetch(`${server.url}/api/v1/recovery-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, phone, lang, consent: true, password }),
  });
  expect(res.status).toBe(202);
  const [row] = await services.cases.list({ email });
  if (!row) throw new Error('no case');
  const token = await services.cases.inTransaction((trx) => softphone.links.issue(trx, row.id, new Date(Date.now() + 86_400_000)));
  return { caseId: row.id, link: softphoneUrl(server.url, token) };
}

/** The booked time comes now: the queued callback job becomes due and the real worker runs it. */
async function callbackIsDue(caseId: string): Promise<void> {
  const now = new Date().toISOString();
  // The case's own time too: the callback job leaves a case alone before its scheduled_at.
  await services.store.db.updateTable('cases').set({ scheduled_at: now }).where('id', '=', caseId).execute();
  const res = await services.store.db
    .updateTable('jobs')
    .set({ run_at: now })
    .where('kind', '=', 'callback.start')
    .where('state', '=', 'queued')
    .where('dedupe_key', 'like', `callback:${caseId}:%`) // payloads are sealed (jobs/sealed-jobs.ts)
    .executeTakeFirst();
  expect(Number(res.numUpdatedRows)).toBe(1);
}

/** Screenshots the state at desktop and phone width; at each width nothing may scroll sideways. */
async function shootBothWidths(page: Page, name: string): Promise<void> {
  for (const [label, size] of [
    ['desktop', DESKTOP],
    ['390', PHONE],
  ] as const) {
    await page.setViewportSize(size);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} at ${label} scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(SHOTS, `${String(++shots).padStart(2, '0')}-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(DESKTOP);
}

const visibleText = (page: Page, selector: string) => page.locator(selector).innerText();

/**
 * Issue 13's language switch on a softphone page: it links to the same path with only `?lang=`
 * (the token stays in the path, never in a query), and following it changes the page's words;
 * following it back restores them. `check` reads a text that must be in the given language.
 */
async function switchesLanguage(page: Page, lang: Lang, name: string, check: (page: Page, lang: Lang) => Promise<void>): Promise<void> {
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const ownPath = new URL(page.url()).pathname;
  for (const [from, to] of [
    [lang, other],
    [other, lang],
  ] as const) {
    const sw = page.getByTestId('lang-switch');
    expect(await sw.getAttribute('href')).toBe(`?lang=${to}`);
    expect(await page.locator('html').getAttribute('lang')).toBe(from);
    await sw.click();
    await page.waitForURL((u) => u.searchParams.get('lang') === to);
    expect(new URL(page.url()).pathname).toBe(ownPath);
    expect(await page.locator('html').getAttribute('lang')).toBe(to);
    await check(page, to);
    if (to === other) await shootBothWidths(page, `${name}-switched-${to}`);
  }
}

describe.each(['ja', 'en'] as const)('the softphone page tells the real state (%s)', (lang) => {
  const says = SAYS[lang];
  const n = lang === 'ja' ? 1 : 2;

  it('waiting shows the booked time and the sound step; ringing shows the ring once; Decline says declined and gives the new time; escalated and cancelled cases open final pages', async () => {
    const { caseId, link } = await requestCallback(lang, `decline.${lang}@example.com`, `090-1234-57${n}1`);
    const row = await services.cases.require(caseId);
    const page = await context.newPage();
    await page.goto(link);
    await waitForSoftphoneState(page, 'waiting');
    expect(await page.locator('html').getAttribute('lang')).toBe(lang);
    expect(await visibleText(page, '#sp-booked-at')).toBe(formatMailTime(new Date(row.scheduled_at!), 'Asia/Tokyo', lang));
    expect(await visibleText(page, '#sp-status')).toContain(says.lead);
    // This headless Chromium blocks sound until a tap, so the one "turn on sound" step is offered.
    expect(await visibleText(page, '#sp-ready')).toBe(says.ready);
    await shootBothWidths(page, `${lang}-waiting`);

    await page.click('#sp-ready');
    await page.locator('#sp-ready').waitFor({ state: 'hidden' });
    // Sound is on now (clicking the switch would count as the tap anyway): the switch reloads the
    // waiting page in the other language and back, and the flow below goes on from there.
    await switchesLanguage(page, lang, `${lang}-waiting`, async (p, to) => {
      await waitForSoftphoneState(p, 'waiting');
      expect(await p.locator('#sp-ready').textContent()).toBe(SAYS[to].ready);
      expect(await visibleText(p, '#sp-status')).toContain(SAYS[to].lead);
      // The call itself keeps the case's language (the agent and the speech recognition).
      expect(await p.locator('#softphone').getAttribute('data-call-lang')).toBe(lang);
    });
    await callbackIsDue(caseId);
    await waitForSoftphoneState(page, 'ringing');
    // "Incoming call" once: in the ring panel, not again in the status line; no sound step now.
    expect(await page.getByText(says.ringing, { exact: true }).count()).toBe(1);
    expect(await page.locator('#sp-status').isHidden()).toBe(true);
    expect(await page.locator('#sp-ready').isHidden()).toBe(true);
    await shootBothWidths(page, `${lang}-ringing`);

    await page.click('#sp-decline');
    await page.locator('#sp-next-call').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await visibleText(page, '#sp-status')).toBe(says.declined);
    const next = await services.cases.require(caseId);
    expect(next.state).toBe('scheduled');
    expect(await visibleText(page, '#sp-next-call')).toContain(says.nextCall);
    // The page's own clock formatting names the same day and minute as the mail.
    const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' }).format(
      new Date(next.scheduled_at!),
    );
    expect(await visibleText(page, '#sp-next-call')).toContain(hhmm);
    expect(await page.locator('#sp-booked-at').isHidden()).toBe(true);
    await shootBothWidths(page, `${lang}-declined`);

    // Handed to a person while the page waits: the open page turns into the final page by itself.
    await services.cases.inTransaction((trx) => services.cases.transition(trx, caseId, 'escalated', 'operator_escalated'));
    await page.locator('h1', { hasText: says.escalatedTitle }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#softphone').getAttribute('data-state')).toBe('final');
    expect(await page.locator('#sp-ready').count()).toBe(0);
    await shootBothWidths(page, `${lang}-final-escalated`);
    // Then cancelled: the same link opens a final page, never a waiting one.
    await services.cases.inTransaction((trx) =>
      services.cases.transition(trx, caseId, 'cancelled', 'cancelled_by_customer', {}, { outcome: 'cancelled' }),
    );
    await page.goto(link);
    expect(await visibleText(page, 'h1')).toBe(says.finalTitle);
    expect(await visibleText(page, '#sp-outcome')).toBe(says.cancelled);
    expect(await page.locator('#sp-signin').getAttribute('href')).toBe(`/signin?lang=${lang}`);
    await shootBothWidths(page, `${lang}-final-cancelled`);
    await switchesLanguage(page, lang, `${lang}-final-cancelled`, async (p, to) => {
      expect(await visibleText(p, 'h1')).toBe(SAYS[to].finalTitle);
      expect(await visibleText(p, '#sp-outcome')).toBe(SAYS[to].cancelled);
      expect(await p.locator('#sp-signin').getAttribute('href')).toBe(`/signin?lang=${to}`);
    });
    await page.close();
  }, 120_000);

  it('in the call: a timer and masked keys during the code; after it: captions kept, the outcome in words, a sign-in link; reopened: a final page', async () => {
    const email = lang === 'ja' ? 'matty@gmail.com' : 'alexi@gmail.com';
    const { caseId, link } = await requestCallback(lang, email, `090-1234-57${n}2`);
    const page = await context.newPage();
    await page.goto(link);
    await waitForSoftphoneState(page, 'waiting');
    await page.click('#sp-ready');
    await callbackIsDue(caseId);
    await waitForSoftphoneState(page, 'ringing');
    await page.click('#sp-answer');
    await waitForSoftphoneState(page, 'in_call');

    let turns = 0;
    const nextTurn = async () => {
      const s = await waitFor(`agent turn ${turns + 1}`, async () => {
        const st = await softphoneStats(page);
        return (st.listening?.count ?? 0) > turns ? st : null;
      });
      turns = s.listening!.count;
      return s.listening!.expecting;
    };
    await nextTurn();
    for (const line of STORY[lang]) {
      await page.fill('#sp-text', line);
      await page.click('#sp-text-form button[type=submit]');
      await nextTurn();
    }
    expect((await softphoneStats(page)).listening?.expecting).toBe('code');
    expect(await visibleText(page, '#sp-timer')).toMatch(/^\d+:\d\d$/);

    const code = await waitFor('the code mail', async () => {
      const mails = (await (await fetch(`${server.url}/api/v1/dev/mail?to=${encodeURIComponent(email)}`)).json()) as Array<{
        subject: string;
        text: string;
      }>;
      const mail = mails.find((m) => /確認コード|verification code/i.test(m.subject));
      return mail ? (/^\s+(\d{8})\s*$/m.exec(mail.text)?.[1] ?? null) : null;
    });
    expect(code).toMatch(/^\d{8}$/);
    await pressKeys(page, code!.slice(0, 3));
    // The keys are echoed, but as dots while the agent asks for the code.
    expect(await visibleText(page, '#sp-keys')).toBe('•••');
    expect(await page.locator('#sp-keys').getAttribute('data-masked')).toBe('true');
    await shootBothWidths(page, `${lang}-in-call-code`);
    // In the call the switch is there too (same path, only `?lang=`); following it would reload
    // the page and drop the call, so here it is only checked, and followed on the pages around it.
    expect(await page.getByTestId('lang-switch').getAttribute('href')).toBe(`?lang=${lang === 'ja' ? 'en' : 'ja'}`);

    await pressKeys(page, code!.slice(3));
    await waitForSoftphoneState(page, 'ended', 30_000);
    expect((await softphoneStats(page)).outcome).toBe('mfa_reset');
    // The captions stay, closing instructions included; the outcome in words; where to go next.
    expect(await page.locator('#sp-captions').isVisible()).toBe(true);
    expect(await visibleText(page, '#sp-captions')).toContain(says.closing);
    // The whole conversation, not a scrolled window onto its end: the first line is on screen too.
    const first = page.locator('#sp-captions li').first();
    expect(await first.evaluate((li) => li.getBoundingClientRect().top >= li.parentElement!.getBoundingClientRect().top)).toBe(true);
    expect(await visibleText(page, '#sp-status')).toBe(says.ended);
    expect(await visibleText(page, '#sp-outcome')).toContain(says.reset);
    expect(await page.locator('#sp-signin').getAttribute('href')).toBe(`/signin?lang=${lang}`);
    expect(await visibleText(page, '#sp-signin')).toBe(says.signIn);
    expect(await page.locator('#sp-keypad').isHidden()).toBe(true);
    await shootBothWidths(page, `${lang}-ended`);

    // The case is resolved: the same link now opens a final page, not a waiting one.
    expect((await services.cases.require(caseId)).state).toBe('resolved');
    await page.goto(link);
    expect(await visibleText(page, 'h1')).toBe(says.finalTitle);
    expect(await visibleText(page, '#sp-outcome')).toContain(says.reset);
    expect(await page.locator('#sp-ready').count()).toBe(0);
    await shootBothWidths(page, `${lang}-final`);
    await page.close();
  }, 180_000);
});

describe('a browser that lets pages play sound without a tap', () => {
  it('offers no "turn on sound" step: the page is ready for the ring as it opens', async () => {
    const { link } = await requestCallback('en', 'autoplay@example.com', '090-1234-5790');
    const allowed = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'],
    });
    try {
      const page = await allowed.newPage({ viewport: DESKTOP });
      await page.goto(link);
      await waitForSoftphoneState(page, 'waiting');
      expect(await page.locator('#sp-ready').isHidden()).toBe(true);
      expect(await page.locator('#sp-sound-first').isHidden()).toBe(true);
      expect(await visibleText(page, '#sp-status')).toContain(SAYS.en.lead);
    } finally {
      await allowed.close();
    }
  }, 60_000);
});
