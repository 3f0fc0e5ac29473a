import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import type { RunningServer, Services } from '../../../src/main';
import { seededRandom, sine, toneAmplitude } from '../../../src/media/testing/signals';
import { encodeWav } from '../../../src/media/wav';
import { type TestBrowser, launchChromium } from './chromium';
import { startDemoServer } from './demo-server';
import { waitFor, waitForAgentTurn, waitForSoftphoneState } from './softphone-page';
import { totpFor } from './totp';

/**
 * A voice call between a customer's browser softphone and the agent, with an operator's browser
 * beside it (issue 10's live transfer, listen-in and take-over done-whens), on the default wiring:
 * voice engines, built-in softphone, open all hours, mailbox policy. Audio is checked by frequency on
 * the frames each page's WebSocket really carried: the operator's fake microphone is a 440 Hz sine,
 * the customer's is a quiet room and plays keypad "1" (697 + 1209 Hz) in band when asked.
 */

export const CUSTOMER = {
  email: 'matty@gmail.com',
  password: 'correct horse battery',
  name: '猪股',
  phone: '090-1234-5678',
  lang: 'ja' as const,
};
export const OPERATOR = {
  email: 'desk@aizuchi.localhost',
  password: 'operator password',
  name: 'Desk',
  phone: '03-1234-5678',
  lang: 'en' as const,
};
export const OPERATOR_HZ = 440;
export const CUSTOMER_HZ = 1209; // the high tone of keypad "1"

export interface VoiceDeskRig {
  dataDir: string;
  services: Services;
  server: RunningServer;
  customer: TestBrowser;
  operator: TestBrowser;
  close(): Promise<void>;
}

function writeWav(file: string, samples: Int16Array): string {
  fs.writeFileSync(file, encodeWav({ sampleRateHz: 48_000, channels: [samples] }));
  return file;
}

/** Low noise: the customer's room, so nothing but the keypad tone is loud in their microphone. */
function quietRoom(): Int16Array {
  const random = seededRandom(7);
  return Int16Array.from({ length: 48_000 * 3 }, () => Math.round((random() * 2 - 1) * 30));
}

const fakeMic = (wav: string) => [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  `--use-file-for-fake-audio-capture=${wav}`,
];

/** A server and two Chromiums (screenshots under `<shots>/customer` and `<shots>/operator`; `shots` is emptied first). */
export async function startVoiceDeskRig(shots: string): Promise<VoiceDeskRig> {
  const demo = await startDemoServer('aizuchi-voice-desk-');
  const { dataDir, services, server } = demo;
  fs.rmSync(shots, { recursive: true, force: true });
  const customer = await launchChromium(path.join(shots, 'customer'), fakeMic(writeWav(path.join(dataDir, 'room.wav'), quietRoom())));
  const operatorMic = writeWav(path.join(dataDir, 'operator.wav'), sine(OPERATOR_HZ, 12_000, 48_000, 48_000 * 3));
  const operator = await launchChromium(path.join(shots, 'operator'), fakeMic(operatorMic));
  return {
    dataDir,
    services,
    server,
    customer,
    operator,
    async close() {
      await customer.close();
      await operator.close();
      await demo.stop();
    },
  };
}

/**
 * Starts the rig before the file's tests and closes it after (one rig a file: the calls take
 * minutes); returns a getter for the running rig, for use inside the tests.
 */
export function useVoiceDeskRig(shots: string): () => VoiceDeskRig {
  let rig: VoiceDeskRig | undefined;
  beforeAll(async () => {
    rig = await startVoiceDeskRig(shots);
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  });
  return () => {
    if (!rig) throw new Error('the voice desk rig did not start');
    return rig;
  };
}

/** PCM16LE frames a page's socket carried, from `from` on, as one signal (16 kHz). */
export function joined(frames: Buffer[], from = 0): Int16Array {
  const bytes = Buffer.concat(frames.slice(from));
  return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
}

/** Binary frames a page's WebSockets received and sent (every socket the page opens, in order). */
export function tapSocket(page: Page): { received: Buffer[]; sent: Buffer[] } {
  const tap = { received: [] as Buffer[], sent: [] as Buffer[] };
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => void (typeof f.payload !== 'string' && tap.received.push(f.payload)));
    ws.on('framesent', (f) => void (typeof f.payload !== 'string' && tap.sent.push(f.payload)));
  });
  return tap;
}

/** The two tones' amplitudes in a 16 kHz signal. */
export const tones = (s: Int16Array) => ({
  operator: toneAmplitude(s, OPERATOR_HZ, 16_000),
  customer: toneAmplitude(s, CUSTOMER_HZ, 16_000),
});

/** Signs OPERATOR in with password + TOTP; the page ends on /console. */
export async function signInOperator(page: Page, serverUrl: string, otpauthUri: string): Promise<void> {
  await page.goto(`${serverUrl}/signin?lang=en`);
  await page.fill('input[name=email]', OPERATOR.email);
  await page.fill('input[name=password]', OPERATOR.password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  expect(new URL(page.url()).pathname).toBe('/signin/mfa');
  await page.fill('input[name=code]', totpFor(otpauthUri, new Date()));
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  expect(new URL(page.url()).pathname).toBe('/console');
}

/**
 * The story's two people: CUSTOMER's account and OPERATOR's (both with TOTP), and OPERATOR signed
 * in on the operator's Chromium (it ends on /console). Returns OPERATOR's account id.
 */
export async function enrolDeskPeople(rig: VoiceDeskRig): Promise<{ id: string }> {
  await rig.services.identity.createAccount({ ...CUSTOMER, mfa: true, role: 'customer' });
  const { account, otpauthUri } = await rig.services.identity.createAccount({ ...OPERATOR, mfa: true, role: 'operator' });
  await signInOperator(rig.operator.page, rig.server.url, otpauthUri!);
  return { id: account.id };
}

/** What a page logged, failed or was refused: for failure messages. */
export function pageLog(page: Page): string[] {
  const log: string[] = [];
  page.on('console', (m) => log.push(m.text()));
  page.on('pageerror', (e) => log.push(String(e)));
  page.on('requestfailed', (r) => log.push(`failed ${r.url()}`));
  page.on('response', (r) => r.status() >= 400 && log.push(`${r.status()} ${r.url()}`));
  return log;
}

/** Opens /console/softphone in a new tab of the operator's browser and goes available; the desk's socket is tapped. */
export async function openDesk(rig: VoiceDeskRig): Promise<{ desk: Page; deskTap: ReturnType<typeof tapSocket>; deskLog: string[] }> {
  const desk = await rig.operator.context.newPage();
  const deskTap = tapSocket(desk);
  const deskLog = pageLog(desk);
  await desk.goto(`${rig.server.url}/console/softphone?lang=en`);
  await desk.click('#op-available');
  await desk.waitForSelector('#op-phone[data-state="available"]', { state: 'attached', timeout: 15_000 }).catch(async (err: Error) => {
    throw new Error(`${err.message}: ${await desk.textContent('#op-phone')} ${deskLog.join(' | ')}`);
  });
  return { desk, deskTap, deskLog };
}

/**
 * CUSTOMER asks for a callback (recovery request), follows the mailed softphone link, answers the
 * ring and hears the agent's greeting; the customer page's socket is tapped from before it opens.
 */
export async function customerInCall(rig: VoiceDeskRig): Promise<{ caseId: string; phone: Page; phoneTap: ReturnType<typeof tapSocket> }> {
  const { services, server } = rig;
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
  const phone = rig.customer.page;
  const phoneTap = tapSocket(phone);
  await phone.goto(link);
  services.jobs.worker.wake();
  await waitForSoftphoneState(phone, 'ringing', 60_000);
  await phone.click('#sp-answer');
  await waitForSoftphoneState(phone, 'in_call');
  await waitForAgentTurn(phone, 0, 'greeting');
  return { caseId, phone, phoneTap };
}

/** Plays keypad "1" into the customer's microphone path for `ms` (in band, as audio). */
export function customerTone(phone: Page, ms: number): Promise<void> {
  return phone.evaluate(
    (toneMs) =>
      (window as unknown as { aizuchiSoftphone: { keysInBand(k: string, o: object): Promise<void> } }).aizuchiSoftphone.keysInBand('1', {
        toneMs,
        gapMs: 0,
        level: 0.3,
      }),
    ms,
  );
}

/**
 * Waits up to 60 s for the desk to ring with a transfer offer for the case; a timeout's error
 * carries the case's events, the desk's log and its counters.
 */
export async function waitForOffer(rig: VoiceDeskRig, seat: { desk: Page; deskLog: string[] }, caseId: string): Promise<void> {
  const { desk, deskLog } = seat;
  await desk.waitForSelector('#op-phone[data-state="ringing"]', { state: 'attached', timeout: 60_000 }).catch(async (err: Error) => {
    const kinds = (await rig.services.cases.history(caseId)).map((e) => `${e.kind} ${e.data}`);
    throw new Error(`${err.message}: ${kinds.join('\n')} ${deskLog.join(' | ')} ${JSON.stringify(await deskStats(desk))}`);
  });
}

/** The operator console softphone's own counters (console-softphone.js). */
export type DeskStats = { framesSent: number; framesReceived: number; controls: string[]; state: string };

export const deskStats = (desk: Page): Promise<DeskStats> =>
  desk.evaluate(() => (window as unknown as { aizuchiOperator: { stats(): DeskStats } }).aizuchiOperator.stats());

/**
 * With the customer and the desk connected: the operator's 440 Hz reaches the customer's page, and
 * keypad "1" played at the customer (3 s) reaches the desk, each well above the other tone.
 */
export async function expectBothWays(
  call: { phone: Page; phoneTap: ReturnType<typeof tapSocket> },
  desk: { desk: Page; deskTap: ReturnType<typeof tapSocket> },
): Promise<void> {
  const { phone, phoneTap } = call;
  const { deskTap } = desk;
  // Operator → customer: the operator's microphone in what the customer's page received.
  const heardFrom = phoneTap.received.length;
  const atCustomer = await waitFor('the operator tone at the customer', async () => {
    if (phoneTap.received.length < heardFrom + 60) return null;
    const t = tones(joined(phoneTap.received.slice(-25)));
    return t.operator > 1000 ? t : null;
  });
  expect(atCustomer.operator, JSON.stringify(atCustomer)).toBeGreaterThan(5 * atCustomer.customer);
  expect(tones(joined(deskTap.sent.slice(-25))).operator).toBeGreaterThan(1000);
  // Customer → operator: keypad "1" in the customer's microphone path.
  const deskFrom = deskTap.received.length;
  await customerTone(phone, 3000);
  const atDesk = await waitFor('the customer tone at the desk', async () => {
    const t = tones(joined(deskTap.received.slice(deskFrom).slice(-50)));
    return t.customer > 1000 ? t : null;
  });
  expect(atDesk.customer).toBeGreaterThan(5 * atDesk.operator);
}
