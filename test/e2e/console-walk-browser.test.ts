import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../../src/media/wav';
import { type TestBrowser, launchChromium } from './support/chromium';
import { runningClockFrom } from './support/clocks';
import { codeFromMail, pressKeys, softphoneStats, waitFor, waitForAgentTurn, waitForSoftphoneState } from './support/softphone-page';
import { type TestServer, startTestServer } from './support/test-server';
import { totpFor } from './support/totp';

/**
 * Issue 10 "Done when", the console half, in real Chromium: an operator with TOTP signs in, finds a
 * case by the phone's last 4 digits, claims an escalation, reads its summary, schedules a person's
 * callback (the customer's mail names the time in JST), sees the charts drawn from the calls this
 * test made, opens a case page with the recording's waveform and transcript (a click on a line moves
 * the player), and the customer's cancel link asks before it cancels. Screenshots (ja and en) in
 * test-artifacts/console-walk/.
 */

// Monday 2035-12-03 10:00 JST, running on with real time (TOTP and sessions behave).
const MON_1000_JST = new Date('2035-12-03T01:00:00Z');
const SHOTS = fileURLToPath(new URL('../../test-artifacts/console-walk/', import.meta.url));
const VOICE = { email: 'walk.voice@gmail.com', password: 'correct horse battery', name: '山田 花子', phone: '090-1234-5621' };
const REVIEW = { email: 'walk.review@example.com', password: 'correct horse battery', name: 'Pat Review', phone: '090-2222-3007' };
const OPERATOR = { email: 'walk.operator@example.com', password: 'operator password', name: 'Op', phone: '03-1234-5678' };

describe('the console done-when walk in Chromium', () => {
  const clock = runningClockFrom(MON_1000_JST);
  let t: TestServer;
  let b: TestBrowser;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-walk-'));

  beforeAll(async () => {
    fs.rmSync(SHOTS, { recursive: true, force: true });
    t = await startTestServer({
      clock,
      reachableLinks: true,
      keepWorker: true,
      env: {
        AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
        AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
        AIZUCHI_JAPANESE_HOLIDAYS: 'false',
        AIZUCHI_CALLBACK_LEAD_SEC: '0',
        // The softphone proves the mailbox, not the phone: the demo's policy.
        AIZUCHI_POLICY: 'mailbox',
      },
    });
    // A silent microphone: the fake device's beep would be heard as the caller speaking.
    const wav = path.join(dataDir, 'silence.wav');
    fs.writeFileSync(wav, encodeWav({ sampleRateHz: 48_000, channels: [new Int16Array(48_000 * 3)] }));
    b = await launchChromium(SHOTS, [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
    ]);
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await t?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const mails = async (to: string) =>
    (await (await fetch(`${t.url}/api/v1/dev/mail?to=${encodeURIComponent(to)}`)).json()) as Array<{ subject: string; text: string }>;
  const request = async (c: typeof VOICE, body: Record<string, unknown>) => {
    const res = await fetch(`${t.url}/api/v1/recovery-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: c.email, phone: c.phone, consent: true, ...body }),
    });
    expect(res.status).toBe(202);
    return (await t.services.cases.list({ email: c.email }))[0]!.id;
  };
  const go = async (page: Page, url: string) => {
    await page.goto(`${t.url}${url}`);
  };
  const both = async (page: Page, url: string, name: string) => {
    for (const lang of ['ja', 'en'] as const) {
      await go(page, `${url}${url.includes('?') ? '&' : '?'}lang=${lang}`);
      await b.screenshot(`${name}-${lang}`);
    }
  };

  /** A voice call on the softphone, answered in the page: typed answers, the code on the keypad. */
  async function voiceCall(caseId: string, link: string): Promise<void> {
    const phone = await b.context.newPage();
    await phone.goto(link);
    // Open hours and no lead time: the case is called at once and the page rings when it connects.
    await waitForSoftphoneState(phone, 'ringing', 60_000);
    await phone.click('#sp-answer');
    await waitForSoftphoneState(phone, 'in_call');
    const say = async (text: string) => {
      await phone.fill('#sp-text', text);
      await phone.click('#sp-text-form button[type=submit]');
    };
    let lines = await waitForAgentTurn(phone, 0, 'greeting');
    await say('はい、山田です。');
    lines = await waitForAgentTurn(phone, lines, 'consent question');
    await say('大丈夫です');
    lines = await waitForAgentTurn(phone, lines, 'email question');
    await say('ダブリュー、エー、エル、ケー、ドット、ブイ、オー、アイ、シー、イー、アットマーク、ジーメールドットコムです');
    await waitForAgentTurn(phone, lines, 'code question');
    const code = await codeFromMail(t.url, VOICE.email);
    await pressKeys(phone, code);
    await waitForSoftphoneState(phone, 'ended', 120_000);
    expect((await softphoneStats(phone)).outcome).toBe('mfa_reset');
    expect(await t.services.cases.require(caseId)).toMatchObject({ state: 'resolved' });
    await phone.close();
  }

  it(
    'signs in with TOTP, finds, claims, schedules, charts, plays the call and cancels only on the button',
    { timeout: 420_000 },
    async () => {
      const { page } = b;
      // A customer who gets a voice call that resets MFA (the recording, the charts' reset bar).
      await t.services.identity.createAccount({ ...VOICE, lang: 'ja', mfa: true, role: 'customer' });
      const voiceCase = await request(VOICE, { lang: 'ja', password: VOICE.password });
      const link = await waitFor('the softphone link', async () => {
        const text = (await mails(VOICE.email)).map((m) => m.text).join('\n');
        return /(https?:\/\/\S+\/call\/[A-Za-z0-9_-]+)/.exec(text)?.[1] ?? null;
      });
      await voiceCall(voiceCase, link);

      // A customer whose number is not on record: a person must review (the escalation queue).
      await t.services.identity.createAccount({ ...REVIEW, phone: '090-5555-0101', lang: 'en', mfa: true, role: 'customer' });
      const reviewCase = await request(REVIEW, { lang: 'en' });
      expect(await t.services.cases.require(reviewCase)).toMatchObject({ state: 'escalated' });

      // The operator signs in: password, then the authenticator's code.
      const operatorUri = (await t.services.identity.createAccount({ ...OPERATOR, mfa: true, role: 'operator' })).otpauthUri!;
      await go(page, '/signin?lang=en');
      await page.fill('input[name=email]', OPERATOR.email);
      await page.fill('input[name=password]', OPERATOR.password);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(new URL(page.url()).pathname).toBe('/signin/mfa');
      await page.fill('input[name=code]', totpFor(operatorUri, clock.now()));
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(new URL(page.url()).pathname).toBe('/console');

      // Found by the last 4 digits of the phone: only that case.
      await both(page, '/console?phone=3007', 'find-by-phone');
      const rows = page.locator('[data-testid=case-row]');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().textContent()).not.toContain(REVIEW.email);

      // The escalation queue: claim, read the summary (no code, no full address), book a person's call.
      await both(page, '/console/escalations', 'escalation-queue');
      const escalation = (await t.services.store.db
        .selectFrom('escalations')
        .selectAll()
        .where('case_id', '=', reviewCase)
        .executeTakeFirst())!;
      await go(page, `/console/escalations/${escalation.id}?lang=en`);
      await Promise.all([page.waitForNavigation(), page.click('[data-testid=claim-form] button')]);
      const summary = (await page.textContent('[data-testid=call-summary]')) ?? '';
      expect(summary).not.toContain(REVIEW.email);
      expect(summary).not.toMatch(/\d{6,}/);
      await page.fill('[data-testid=callback-form] input[name=at]', '2035-12-04T14:30');
      await Promise.all([page.waitForNavigation(), page.click('[data-testid=callback-form] button')]);
      await both(page, `/console/escalations/${escalation.id}`, 'escalation-scheduled');
      const callbackMail = await waitFor('the callback mail', async () => (await mails(REVIEW.email)).find((m) => /14:30/.test(m.text)));
      expect(callbackMail.text).toContain('Tue 4 Dec 2035 14:30 JST');

      // Charts from the calls above: the voice call's reset is counted.
      await both(page, '/console/charts', 'charts');
      expect(await page.locator('svg[data-testid]').count()).toBeGreaterThan(1);
      expect(await page.textContent('[data-testid=total-reset]')).toBe('1');

      // The case page: figures, the waveform with the code's pause marked, and the transcript driving the player.
      await go(page, `/console/cases/${voiceCase}?lang=ja`);
      expect(await page.locator('[data-testid=waveform]').count()).toBe(1);
      expect(await page.locator('[data-testid=waveform-gap]').count()).toBeGreaterThan(0);
      expect(await page.locator('[data-testid=transcript-gap]').count()).toBeGreaterThan(0);
      expect(await page.textContent('[data-testid=figure-latency]')).toMatch(/中央値 .* · 95パーセンタイル .*（\d+回）/);
      const body = (await page.textContent('body')) ?? '';
      expect(body).not.toMatch(/\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
      const line = page.locator('[data-testid=transcript-line][data-offset]').nth(2);
      const offset = Number(await line.getAttribute('data-offset'));
      expect(offset).toBeGreaterThan(1);
      await line.click();
      await waitFor('the player to seek to the line', async () => {
        const at = await page.evaluate(() => document.querySelector<HTMLAudioElement>('[data-testid=recording-audio]')!.currentTime);
        return Math.abs(at - offset) < 1.5;
      });
      await b.screenshot('case-page-playing-ja');
      await go(page, `/console/cases/${voiceCase}?lang=en`);
      expect(await page.textContent('[data-testid=figure-latency]')).toMatch(/p50 .* · p95 .* \(\d+ replies\)/);
      await b.screenshot('case-page-en');
      // Listening is in the case's audit history, with who listened.
      expect((await t.services.cases.history(voiceCase)).map((e) => e.kind)).toContain('recording_played');

      // The customer's cancel link only asks; the case changes when the button is pressed.
      const requestMail = (await mails(REVIEW.email)).map((m) => m.text).join('\n');
      const cancelUrl = /(https?:\/\/\S+\/recover\/cancel\?token=\S+)/.exec(requestMail)?.[1];
      expect(cancelUrl).toBeTruthy();
      await page.goto(cancelUrl!);
      await b.screenshot('cancel-asks');
      expect((await t.services.cases.require(reviewCase)).state).toBe('escalated');
      await Promise.all([page.waitForNavigation(), page.click('form[action="/recover/cancel"] button')]);
      await b.screenshot('cancel-done');
      expect((await t.services.cases.require(reviewCase)).state).toBe('cancelled');
    },
  );
});
