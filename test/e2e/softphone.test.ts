import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectedCall } from '../../src/calls/call-service';
import type { Dialer } from '../../src/cases/callback-job';
import { loadConfig } from '../../src/config';
import { type RunningServer, type Services, createServices, startServer } from '../../src/main';
import { DtmfDetector } from '../../src/media/dtmf/detector';
import type { AudioFrame } from '../../src/media/frame';
import { encodeWav } from '../../src/media/wav';
import { type VoiceRuntime, createVoiceRuntime } from '../../src/calls/voice/voice-media';
import { openVoiceCall } from '../../src/calls/voice/open-voice-call';
import { type Softphone, type SoftphoneChannel, createSoftphone, softphoneTextCall, softphoneUrl } from '../../src/telephony/softphone';
import { softphonePlugin } from '../../src/web/plugins/softphone';
import { CHROMIUM_ARGS as BASE_CHROMIUM_ARGS } from './support/chromium';
import { codeFromMail, pressKeys, softphoneStats, waitFor, waitForAgentTurn, waitForSoftphoneState } from './support/softphone-page';

const SHOTS = path.resolve('test-artifacts/e2e/softphone');
// Offline Chromium flags from the shared support, plus a fake microphone the page may use without asking.
const CHROMIUM_ARGS = [...BASE_CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];

/** A quiet room: low noise, so in-band keypad tones are the only loud thing the microphone hears. */
function writeQuietRoomWav(file: string): void {
  const rate = 48_000;
  const samples = new Int16Array(rate * 3);
  let seed = 7;
  for (let i = 0; i < samples.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    samples[i] = Math.round(((seed / 0x7fffffff) * 2 - 1) * 30);
  }
  fs.writeFileSync(file, encodeWav({ sampleRateHz: rate, channels: [samples] }));
}

const rms = (s: Int16Array) => Math.sqrt(s.reduce((n, v) => n + v * v, 0) / s.length);

/** The audio-path check on the server side: hears the page's frames, finds keys in them, talks back with a tone. */
class EchoSession {
  framesIn = 0;
  wrongShape = 0;
  loudestIn = 0;
  keysHeard = '';
  framesOut = 0;

  start(channel: SoftphoneChannel): void {
    const detector = new DtmfDetector();
    channel.onFrame((frame: AudioFrame) => {
      this.framesIn++;
      if (frame.samples.length !== 320 || frame.sampleRateHz !== 16_000) this.wrongShape++;
      this.loudestIn = Math.max(this.loudestIn, rms(frame.samples));
      for (const ev of detector.process(frame)) this.keysHeard += ev.digit;
    });
    channel.sendCaption({ speaker: 'agent', text: 'echo test: a 440 Hz greeting', final: true });
    // A "greeting": 1.5 s of 440 Hz at the playout pace of one frame per 20 ms.
    let n = 0;
    const timer = setInterval(() => {
      if (n >= 75) return clearInterval(timer);
      const samples = new Int16Array(320);
      for (let i = 0; i < 320; i++) samples[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * (n * 320 + i)) / 16_000));
      channel.sendFrame({ samples, sampleRateHz: 16_000 });
      this.framesOut++;
      n++;
    }, 20);
    channel.onClose(() => clearInterval(timer));
  }
}

let dataDir: string;
let services: Services;
let server: RunningServer;
let softphone: Softphone;
let context: BrowserContext;
let mode: 'echo' | 'text' | 'voice' = 'echo';
let voiceRuntime: VoiceRuntime;
let echo = new EchoSession();
let shots = 0;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${String(++shots).padStart(2, '0')}-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-softphone-'));
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
    // A softphone proves no phone possession: these calls reset only under `mailbox` (as scripts/start.sh runs).
    AIZUCHI_POLICY: 'mailbox',
  });
  // The dialer is needed before the call service exists; it forwards once both are built.
  const dialer: Dialer = { provesPhonePossession: false, dial: (trx, caseId, attempt) => softphone.dialer.dial(trx, caseId, attempt) };
  // This test builds its own softphone (echo and text modes), so the built-in one stays off.
  services = await createServices(config, { dialer, withSoftphone: false });
  voiceRuntime = await createVoiceRuntime(config);
  softphone = createSoftphone<ConnectedCall>({
    store: services.store,
    clock: services.clock,
    tokenKey: services.keys.tokenHmac,
    cases: services.cases,
    calls: services.calls,
    // Voice engines for the voice story; the text story runs the same page as a captioned call.
    openVoice: async (args) =>
      mode === 'voice' ? openVoiceCall({ runtime: voiceRuntime, store: services.store, dataDir, ...args }) : softphoneTextCall(args.audio),
  });
  const plugin = softphonePlugin({
    db: services.store.db,
    links: softphone.links,
    calls: softphone.calls,
    hub: softphone.hub,
    pollIntervalMs: 300,
    // The audio test answers with an echo session instead of the agent.
    startSession: (args) => (mode === 'echo' ? echo.start(args.channel) : softphone.startSession(args)),
  });
  server = await startServer(services, [plugin]);

  const wav = path.join(dataDir, 'quiet-room.wav');
  writeQuietRoomWav(wav);
  context = await chromium.launchPersistentContext(path.join(dataDir, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
    locale: 'ja-JP',
    viewport: { width: 900, height: 1000 },
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.stop();
  await voiceRuntime?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Customer {
  email: string;
  name: string;
  phone: string;
  password: string;
}

/** An account, its recovery request over HTTP, and the softphone link the request mail carries. */
async function requestCallback(c: Customer): Promise<{ accountId: string; caseId: string; link: string }> {
  const { account } = await services.identity.createAccount({ ...c, lang: 'ja', mfa: true });
  const res = await fetch(`${server.url}/api/v1/recovery-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: c.email, phone: c.phone, lang: 'ja', consent: true, password: c.password }),
  });
  expect(res.status).toBe(202);
  const [row] = await services.cases.list({ email: c.email });
  if (!row) throw new Error('no case');
  const token = await services.cases.inTransaction((trx) => softphone.links.issue(trx, row.id, new Date(Date.now() + 86_400_000)));
  return { accountId: account.id, caseId: row.id, link: softphoneUrl(server.url, token) };
}

/** The booked time comes now: the queued callback job becomes due and the real worker runs it. */
async function callbackIsDue(caseId: string): Promise<void> {
  const now = new Date().toISOString();
  const res = await services.store.db
    .updateTable('jobs')
    .set({ run_at: now })
    .where('kind', '=', 'callback.start')
    .where('state', '=', 'queued')
    .where('dedupe_key', 'like', `callback:${caseId}:%`) // payloads are sealed (jobs/sealed-jobs.ts)
    .executeTakeFirst();
  expect(Number(res.numUpdatedRows)).toBe(1);
  // The case's own booking moves too: a callback job that runs before the case is due calls nobody.
  await services.store.db.updateTable('cases').set({ scheduled_at: now }).where('id', '=', caseId).execute();
}

const stats = softphoneStats;
const waitState = waitForSoftphoneState;

async function answerWhenRinging(page: Page, caseId: string, name: string): Promise<void> {
  await waitState(page, 'waiting');
  await page.click('#sp-ready');
  await shot(page, `${name}-waiting`);
  await callbackIsDue(caseId);
  await waitState(page, 'ringing');
  await shot(page, `${name}-ringing`);
  await page.click('#sp-answer');
  await waitState(page, 'in_call');
}

describe('the browser softphone in Chromium', () => {
  it('rings, answers, streams 20 ms frames both ways and carries keypad tones in the microphone audio', async () => {
    mode = 'echo';
    echo = new EchoSession();
    const { caseId, link } = await requestCallback({
      email: 'echo@example.com',
      name: '音声',
      phone: '090-1234-5611',
      password: 'correct-horse-battery',
    });
    const page = await context.newPage();
    await page.goto(link);
    await answerWhenRinging(page, caseId, 'audio');

    // The agent's side: the greeting arrives as non-silent frames the page counts and measures.
    const heard = await waitFor('greeting audio in the page', async () => {
      const s = await stats(page);
      return s.nonSilentFramesReceived >= 60 ? s : null;
    });
    expect(heard.framesReceived).toBeGreaterThanOrEqual(60);
    expect(heard.maxRms).toBeGreaterThan(3000);
    expect(heard.errors).toEqual([]);

    // The caller's side: microphone frames of the right shape, then keypad tones mixed into them.
    await waitFor('microphone frames on the server', async () => echo.framesIn >= 50);
    expect(echo.loudestIn).toBeLessThan(500);
    await page.evaluate(() =>
      (window as unknown as { aizuchiSoftphone: { keysInBand(k: string): Promise<void> } }).aizuchiSoftphone.keysInBand('20261125'),
    );
    await waitFor('in-band keys detected by the Goertzel detector', async () => echo.keysHeard.length >= 8);
    expect(echo.keysHeard).toBe('20261125');
    expect(echo.loudestIn).toBeGreaterThan(2000);
    expect(echo.wrongShape).toBe(0);
    expect(await page.locator('#sp-captions').textContent()).toContain('echo test');
    await shot(page, 'audio-in-call');

    await page.click('#sp-hangup');
    await waitState(page, 'ended');
    const final = await stats(page);
    expect(final.framesSent).toBeGreaterThanOrEqual(echo.framesIn);
    await page.close();
  }, 90_000);

  it('takes the story call with captions, the text box and the keypad, ending in an MFA reset', async () => {
    mode = 'text';
    const c = { email: 'matty@gmail.com', name: '猪股', phone: '090-1234-5601', password: 'correct-horse-battery' };
    const { accountId, caseId, link } = await requestCallback(c);
    const page = await context.newPage();
    await page.goto(link);
    await answerWhenRinging(page, caseId, 'story');

    let turns = 0;
    const nextTurn = async (expecting?: string) => {
      const s = await waitFor(`agent turn ${turns + 1}`, async () => {
        const st = await stats(page);
        return (st.listening?.count ?? 0) > turns ? st : null;
      });
      turns = s.listening!.count;
      if (expecting) expect(s.listening!.expecting).toBe(expecting);
    };
    const type = async (text: string) => {
      await page.fill('#sp-text', text);
      await page.click('#sp-text-form button[type=submit]');
    };

    await nextTurn('confirmation');
    expect(await page.locator('#sp-captions').textContent()).toContain('ご本人様でいらっしゃいますか');
    await type('あ、そうです～～猪股です。');
    await nextTurn();
    await type('大丈夫です～～');
    await nextTurn('email');
    await type('えーっと、エム、エー、ティ、ティ、ワイ');
    await nextTurn('email');
    await type('アットマーク、ジーメールドットコムです');
    await nextTurn('code');
    await shot(page, 'story-code-asked');

    await pressKeys(page, await codeFromMail(server.url, c.email));

    await waitState(page, 'ended', 30_000);
    await shot(page, 'story-ended');
    const end = await stats(page);
    expect(end.outcome).toBe('mfa_reset');
    expect(end.keysSentOutOfBand).toBe(8);
    expect(await page.locator('#sp-captions').textContent()).toContain('MFAを解除');
    const account = await services.identity.getAccount(accountId);
    expect(account).toMatchObject({ mfaEnabled: false });
    const row = await services.cases.require(caseId);
    expect(row).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
    const calls = await services.calls.callsForCase(caseId);
    expect(calls.map((x) => [x.call.channel, x.call.outcome])).toEqual([['softphone', 'mfa_reset']]);
    await page.close();
  }, 120_000);
  it('mixed entry: a wrong code is said and captioned, then 4 digits typed and 4 keyed make one code, ending in mfa_reset', async () => {
    mode = 'text';
    const c = { email: 'mixed.entry@example.com', name: '混合', phone: '090-1234-5631', password: 'correct-horse-battery' };
    const { caseId, link } = await requestCallback(c);
    const page = await context.newPage();
    await page.goto(link);
    await answerWhenRinging(page, caseId, 'mixed');
    let turns = 0;
    const nextTurn = async (expecting?: string) => {
      const s = await waitFor(`agent turn ${turns + 1}`, async () => {
        const st = await stats(page);
        return (st.listening?.count ?? 0) > turns ? st : null;
      });
      turns = s.listening!.count;
      if (expecting) expect(s.listening!.expecting).toBe(expecting);
    };
    const type = async (text: string) => {
      await page.fill('#sp-text', text);
      await page.click('#sp-text-form button[type=submit]');
    };
    await nextTurn('confirmation');
    await type('はい、本人です');
    await nextTurn();
    await type('大丈夫です');
    await nextTurn('email');
    await type(
      'エム、アイ、エックス、イー、ディー、ドット、イー、エヌ、ティー、アール、ワイ、アットマーク、イー、エックス、エー、エム、ピー、エル、イー、ドット、シー、オー、エム',
    );
    await nextTurn('code');
    const code = await codeFromMail(server.url, c.email);
    const wrong = code
      .split('')
      .map((d) => String((Number(d) + 1) % 10))
      .join('');

    // A wrong code, typed half and keyed half: one attempt, said and captioned.
    await type(wrong.slice(0, 4));
    await pressKeys(page, wrong.slice(4));
    await nextTurn('code');
    // Keyed tones are detected in the audio after the typed half arrives, and the agent may first
    // acknowledge the typed half; wait until the wrong-code line is captioned (it must be, within the limit).
    await waitFor('the wrong-code caption', async () =>
      ((await page.locator('#sp-captions').textContent()) ?? '').includes('その番号では確認できませんでした'),
    );

    await type(code.slice(0, 4));
    await pressKeys(page, code.slice(4));
    await waitState(page, 'ended', 30_000);
    await shot(page, 'mixed-ended');
    expect((await stats(page)).outcome).toBe('mfa_reset');
    const history = (await services.cases.history(caseId)).map((e) => e.kind);
    expect(history).toContain('code_verified');
    expect(await services.cases.require(caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
    await page.close();
  }, 120_000);

  it('takes the story call by voice: the greeting is heard, the email typed, the code keyed as in-band tones, ending in mfa_reset', async () => {
    mode = 'voice';
    const c = { email: 'taro.voice@gmail.com', name: '山田', phone: '090-1234-5621', password: 'correct-horse-battery' };
    const { accountId, caseId, link } = await requestCallback(c);
    const page = await context.newPage();
    await page.goto(link);
    await answerWhenRinging(page, caseId, 'voice');

    const agentDone = (after: number, what: string) => waitForAgentTurn(page, after, what);
    const type = async (text: string) => {
      await page.fill('#sp-text', text);
      await page.click('#sp-text-form button[type=submit]');
    };

    let lines = await agentDone(0, 'greeting');
    const greeting = await stats(page);
    expect(greeting.nonSilentFramesReceived).toBeGreaterThan(100);
    expect(greeting.maxRms).toBeGreaterThan(1000);
    expect(await page.locator('#sp-captions').textContent()).toContain('ご本人様でいらっしゃいますか');
    await shot(page, 'voice-greeting');

    await type('はい、山田です。');
    lines = await agentDone(lines, 'consent question');
    await type('大丈夫です');
    lines = await agentDone(lines, 'email question');
    await type('ティー、エー、アール、オー、ドット、ブイ、オー、アイ、シー、イー、アットマーク、ジーメールドットコムです');
    await agentDone(lines, 'code question');
    expect(await page.locator('#sp-captions').textContent()).toContain('8桁');

    const code = await codeFromMail(server.url, c.email);
    // The code goes in as DTMF tones mixed into the microphone audio, for the server's Goertzel detector.
    await page.evaluate(
      (k) => (window as unknown as { aizuchiSoftphone: { keysInBand(k: string): Promise<void> } }).aizuchiSoftphone.keysInBand(k),
      code,
    );
    await shot(page, 'voice-code-keyed');

    await waitState(page, 'ended', 120_000);
    await shot(page, 'voice-ended');
    const end = await stats(page);
    expect(end.outcome).toBe('mfa_reset');
    expect(end.keysSentOutOfBand).toBe(0);
    expect(await services.identity.getAccount(accountId)).toMatchObject({ mfaEnabled: false });
    expect(await services.cases.require(caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
    const calls = await services.calls.callsForCase(caseId);
    expect(calls.map((x) => [x.call.channel, x.call.outcome])).toEqual([['softphone', 'mfa_reset']]);
    const history = (await services.cases.history(caseId)).map((e) => e.kind);
    expect(history).toContain('code_verified');
    await page.close();
    // The test answers once each prompt has played (the listening control): about 2 min of the agent's audio in real
    // time, and under load the synthesizer and the 20 ms clock run slower (248-254 s at load 26-27).
  }, 420_000);
});
