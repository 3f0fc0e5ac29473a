import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { type RunningServer, type Services, createServices, startServer } from '../../src/main';
import { seededRandom, sine, toneAmplitude } from '../../src/media/testing/signals';
import { encodeWav } from '../../src/media/wav';
import { type TestBrowser, launchChromium } from './support/chromium';
import { softphoneStats, waitFor, waitForAgentTurn, waitForSoftphoneState } from './support/softphone-page';
import { freePort } from './support/test-server';
import { totpFor } from './support/totp';

/**
 * Issue 10's done-when for live transfer, in real Chromium with the default wiring (voice engines,
 * built-in softphone): the customer on the browser softphone asks for a person during hours; an
 * operator signed in with password + TOTP watches /console/live (the transcript arrives over SSE)
 * and is available on /console/softphone in another browser; the warm offer shows the case, the
 * summary and the transcript; they accept and each side hears the other's tone. Audio is checked on
 * the frames each page's WebSocket really carried (Playwright's frame events), by frequency:
 * the customer's in-band keypad "1" (697 + 1209 Hz) one way, the operator's 440 Hz microphone the
 * other. Screenshots (ja and en) land in test-artifacts/live-transfer/.
 */

const SHOTS = path.resolve('test-artifacts/live-transfer');
const CUSTOMER = { email: 'matty@gmail.com', password: 'correct horse battery', name: '猪股', phone: '090-1234-5678', lang: 'ja' as const };
const OPERATOR = {
  email: 'desk@aizuchi.localhost',
  password: 'operator password',
  name: 'Desk',
  phone: '03-1234-5678',
  lang: 'en' as const,
};
const OPERATOR_HZ = 440;
const CUSTOMER_HZ = 1209; // the high tone of keypad "1"

let dataDir: string;
let services: Services;
let server: RunningServer;
let customer: TestBrowser;
let operator: TestBrowser;

function writeWav(file: string, samples: Int16Array): string {
  fs.writeFileSync(file, encodeWav({ sampleRateHz: 48_000, channels: [samples] }));
  return file;
}

/** Low noise: the customer's room, so nothing but the keypad tone is loud in their microphone. */
function quietRoom(): Int16Array {
  const random = seededRandom(7);
  return Int16Array.from({ length: 48_000 * 3 }, () => Math.round((random() * 2 - 1) * 30));
}

/** PCM16LE frames a page's socket carried, from `from` on, as one signal (16 kHz). */
function joined(frames: Buffer[], from = 0): Int16Array {
  const bytes = Buffer.concat(frames.slice(from));
  return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
}

/** Binary frames a page's WebSocket received and sent (the first socket the page opens). */
function tapSocket(page: Page): { received: Buffer[]; sent: Buffer[] } {
  const tap = { received: [] as Buffer[], sent: [] as Buffer[] };
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => void (typeof f.payload !== 'string' && tap.received.push(f.payload)));
    ws.on('framesent', (f) => void (typeof f.payload !== 'string' && tap.sent.push(f.payload)));
  });
  return tap;
}

const tones = (s: Int16Array) => ({ operator: toneAmplitude(s, OPERATOR_HZ, 16_000), customer: toneAmplitude(s, CUSTOMER_HZ, 16_000) });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-live-transfer-'));
  fs.rmSync(SHOTS, { recursive: true, force: true });
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    AIZUCHI_MAIL_CATCHER_PORT: '0',
    AIZUCHI_METRICS_PORT: '0',
    AIZUCHI_DATA_DIR: dataDir,
    AIZUCHI_CALLBACK_LEAD_SEC: '0',
    AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
    AIZUCHI_JAPANESE_HOLIDAYS: 'false',
    AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
    AIZUCHI_LOG_LEVEL: 'silent',
    AIZUCHI_POLICY: 'mailbox',
  });
  services = await createServices(config);
  server = await startServer(services);
  const fakeMic = (wav: string) => [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}`,
  ];
  customer = await launchChromium(path.join(SHOTS, 'customer'), fakeMic(writeWav(path.join(dataDir, 'room.wav'), quietRoom())));
  operator = await launchChromium(
    path.join(SHOTS, 'operator'),
    fakeMic(writeWav(path.join(dataDir, 'operator.wav'), sine(OPERATOR_HZ, 12_000, 48_000, 48_000 * 3))),
  );
}, 120_000);

afterAll(async () => {
  await customer?.close();
  await operator?.close();
  await server?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(page: Page, otpauthUri: string): Promise<void> {
  await page.goto(`${server.url}/signin?lang=en`);
  await page.fill('input[name=email]', OPERATOR.email);
  await page.fill('input[name=password]', OPERATOR.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  expect(new URL(page.url()).pathname).toBe('/signin/mfa');
  await page.fill('input[name=code]', totpFor(otpauthUri, new Date()));
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  expect(new URL(page.url()).pathname).toBe('/console');
}

describe('live transfer in Chromium: browser softphone → operator console softphone', () => {
  it('asks for a person, the operator sees the warm offer, accepts, and both hear each other', { timeout: 300_000 }, async () => {
    await services.identity.createAccount({ ...CUSTOMER, mfa: true, role: 'customer' });
    const { account: op, otpauthUri } = await services.identity.createAccount({ ...OPERATOR, mfa: true, role: 'operator' });

    // The operator: signed in, the live view open (ja and en), and available on the console softphone.
    await signIn(operator.page, otpauthUri!);
    const liveJa = operator.page;
    await liveJa.goto(`${server.url}/console/live?lang=ja`);
    const liveEn = await operator.context.newPage();
    await liveEn.goto(`${server.url}/console/live?lang=en`);
    const desk = await operator.context.newPage();
    const deskTap = tapSocket(desk);
    const deskLog: string[] = [];
    desk.on('console', (m) => deskLog.push(m.text()));
    desk.on('pageerror', (e) => deskLog.push(String(e)));
    desk.on('requestfailed', (r) => deskLog.push(`failed ${r.url()}`));
    desk.on('response', (r) => r.status() >= 400 && deskLog.push(`${r.status()} ${r.url()}`));
    await desk.goto(`${server.url}/console/softphone?lang=en`);
    await desk.click('#op-available');
    await desk.waitForSelector('#op-phone[data-state="available"]', { state: 'attached', timeout: 15_000 }).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await desk.textContent('#op-phone')} ${deskLog.join(' | ')}`);
    });

    // The customer: the callback request, the mailed link, the page rings, answer.
    const res = await fetch(`${server.url}/api/v1/recovery-requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: CUSTOMER.email, phone: CUSTOMER.phone, lang: 'ja', consent: true, password: CUSTOMER.password }),
    });
    expect(res.status).toBe(202);
    const caseId = (await services.cases.list({ email: CUSTOMER.email }))[0]!.id;
    services.jobs.worker.wake();
    const link = await waitFor('the request mail with the softphone link', async () => {
      const mails = (await (await fetch(`${server.url}/api/v1/dev/mail?to=${encodeURIComponent(CUSTOMER.email)}`)).json()) as Array<{
        subject: string;
        text: string;
      }>;
      const mail = mails.find((m) => /予約しました/.test(m.subject));
      return mail ? (/(https?:\/\/\S+\/call\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1] ?? null) : null;
    });
    const phone = customer.page;
    const phoneTap = tapSocket(phone);
    await phone.goto(link);
    services.jobs.worker.wake();
    await waitForSoftphoneState(phone, 'ringing', 60_000);
    await phone.click('#sp-answer');
    await waitForSoftphoneState(phone, 'in_call');
    await waitForAgentTurn(phone, 0, 'greeting');

    // /console/live got the greeting over SSE while the call ran (the page loaded before the call).
    for (const live of [liveJa, liveEn])
      await waitFor('the greeting on /console/live', async () =>
        ((await live.locator('[data-testid=live-lines]').first().textContent()) ?? '').includes('ご本人様でいらっしゃいますか'),
      );
    await liveJa.screenshot({ path: path.join(SHOTS, 'live-ja.png'), fullPage: true });
    await liveEn.screenshot({ path: path.join(SHOTS, 'live-en.png'), fullPage: true });

    // The customer asks for a person; the agent says it is putting them through.
    await phone.fill('#sp-text', '担当者と話したいです');
    await phone.click('#sp-text-form button[type=submit]');
    // The warm offer at the desk: the case, the summary, the transcript with the request.
    await desk.waitForSelector('#op-phone[data-state="ringing"]', { state: 'attached', timeout: 60_000 }).catch(async (err: Error) => {
      const kinds = (await services.cases.history(caseId)).map((e) => `${e.kind} ${e.data}`);
      throw new Error(
        `${err.message}: ${kinds.join('\n')} ${deskLog.join(' | ')} ${JSON.stringify(await desk.evaluate(() => (window as unknown as { aizuchiOperator: { stats(): unknown } }).aizuchiOperator.stats()))}`,
      );
    });
    expect(await phone.locator('#sp-captions').textContent()).toContain('担当者におつなぎします');
    expect(await desk.textContent('#op-offer-title')).toContain(caseId.slice(0, 8));
    expect(await desk.textContent('#op-customer')).toContain('m***@gmail.com');
    expect(((await desk.textContent('#op-summary')) ?? '').trim()).not.toBe('');
    expect(await desk.textContent('#op-lines')).toContain('担当者と話したいです');
    await desk.screenshot({ path: path.join(SHOTS, 'offer-en.png'), fullPage: true });
    await desk.click('#op-accept');
    await desk.waitForSelector('#op-phone[data-state="on_call"]', { state: 'attached' });

    // Operator → customer: the operator's 440 Hz microphone in what the customer's page received.
    const heardFrom = phoneTap.received.length;
    const atCustomer = await waitFor('the operator tone at the customer', async () => {
      if (phoneTap.received.length < heardFrom + 60) return null;
      const t = tones(joined(phoneTap.received.slice(-25)));
      return t.operator > 1000 ? t : null;
    });
    expect(atCustomer.operator, JSON.stringify(atCustomer)).toBeGreaterThan(5 * atCustomer.customer);
    expect(tones(joined(deskTap.sent.slice(-25))).operator).toBeGreaterThan(1000);

    // Customer → operator: keypad "1" played into the customer's microphone path for 3 s.
    const deskFrom = deskTap.received.length;
    await phone.evaluate(() =>
      (window as unknown as { aizuchiSoftphone: { keysInBand(k: string, o: object): Promise<void> } }).aizuchiSoftphone.keysInBand('1', {
        toneMs: 3000,
        gapMs: 0,
        level: 0.3,
      }),
    );
    const atDesk = await waitFor('the customer tone at the desk', async () => {
      const t = tones(joined(deskTap.received.slice(deskFrom).slice(-50)));
      return t.customer > 1000 ? t : null;
    });
    expect(atDesk.customer).toBeGreaterThan(5 * atDesk.operator);
    const deskStats = (await desk.evaluate(() =>
      (window as unknown as { aizuchiOperator: { stats(): unknown } }).aizuchiOperator.stats(),
    )) as { framesSent: number; framesReceived: number; controls: string[] };
    expect(deskStats.framesReceived).toBeGreaterThan(100);
    expect(deskStats.framesSent).toBeGreaterThan(100);
    expect(deskStats.controls).toEqual(expect.arrayContaining(['available', 'transfer_offer', 'transfer_connected']));
    // The customer page did take the operator's frames (bursty, as the browser sends them).
    expect((await softphoneStats(phone)).framesReceived).toBeGreaterThan(100);
    await desk.screenshot({ path: path.join(SHOTS, 'on-call-en.png'), fullPage: true });
    await customer.screenshot('on-call-ja');

    // The operator hangs up; the customer's call ends; the case says who took it.
    await desk.click('#op-hangup');
    await waitForSoftphoneState(phone, 'ended', 30_000);
    await customer.screenshot('ended-ja');
    await waitFor('transfer_ended in the case', async () =>
      (await services.cases.history(caseId)).some((e) => e.kind === 'transfer_ended'),
    );
    const history = await services.cases.history(caseId);
    const data = (kind: string) => JSON.parse(history.find((e) => e.kind === kind)!.data) as Record<string, unknown>;
    expect(data('transfer_connected')).toMatchObject({ operatorId: op.id });
    expect(data('escalation_claimed')).toMatchObject({ operatorId: op.id, by: 'transfer' });
    expect(await services.cases.get(caseId)).toMatchObject({ state: 'escalated' });

    // The desk in Japanese, after the call.
    await desk.goto(`${server.url}/console/softphone?lang=ja`);
    await desk.screenshot({ path: path.join(SHOTS, 'desk-ja.png'), fullPage: true });
  });
});
