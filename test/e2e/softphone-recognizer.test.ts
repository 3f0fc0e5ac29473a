import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectedCall } from '../../src/calls/call-service';
import type { VoiceNotice } from '../../src/calls/voice/voice-bridge-config';
import { openVoiceCall } from '../../src/calls/voice/open-voice-call';
import { realSpeech } from '../../src/calls/voice/testing/voice-test-kit';
import { type VoiceRuntime, createVoiceRuntime } from '../../src/calls/voice/voice-media';
import type { Dialer } from '../../src/cases/callback-job';
import { loadConfig } from '../../src/config';
import { type RunningServer, type Services, createServices, startServer } from '../../src/main';
import { encodeWav } from '../../src/media/wav';
import { type LiveScript, type LiveServer, resultsMessage, startLiveServer } from '../../src/speech/deepgram/deepgram-live-server';
import { type Softphone, createSoftphone, softphoneUrl } from '../../src/telephony/softphone';
import { softphonePlugin } from '../../src/web/plugins/softphone';
import { CHROMIUM_ARGS as BASE_CHROMIUM_ARGS } from './support/chromium';
import { codeFromMail, pressKeys, softphoneStats, waitFor, waitForAgentTurn, waitForSoftphoneState } from './support/softphone-page';

/**
 * Issue 9's "done when" call: one softphone call in real Chromium under the `mailbox` policy with the
 * server recognizer speaking Deepgram's protocol (the local test server, whose socket is dropped in the
 * middle of a caller turn), typing while the agent speaks (barge-in), and the code entered half typed,
 * half keyed — ending in mfa_reset.
 *
 * The caller's voice: Chromium's fake microphone loops a WAV of real Japanese speech (Open JTalk) with
 * silence after it, and the page's mute button decides when the caller talks. The local server cannot
 * understand audio, so what it "heard" is the line the test arms before unmuting; an unarmed turn gets
 * an empty final, which the adapter skips.
 */
const SHOTS = path.resolve('test-artifacts/e2e/softphone-recognizer');
const KEY = 'e2e-deepgram-key';
const CHROMIUM_ARGS = [...BASE_CHROMIUM_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'];
const EMAIL = 'matty@gmail.com';

let dataDir: string;
let services: Services;
let server: RunningServer;
let softphone: Softphone;
let context: BrowserContext;
let voiceRuntime: VoiceRuntime;
let live: LiveServer;
let shots = 0;
const notices: Array<VoiceNotice & { at: number }> = [];
/** What the recognizer "hears" in the next caller turn, and which stream (session index) answered each armed line. */
let armed: string | null = null;
const heard: Array<{ text: string; session: number }> = [];
const script: LiveScript = {
  onFinalize: (session) => {
    const text = armed ?? '';
    if (armed !== null) heard.push({ text: armed, session: live.sessions.indexOf(session) });
    armed = null;
    return [resultsMessage({ transcript: text, isFinal: true, speechFinal: true, startSec: 0, durationSec: 1 })];
  },
};

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${String(++shots).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** 48 kHz: the caller's words, then 3 s of a quiet room, looped by Chromium's fake microphone. */
async function writeCallerWav(file: string): Promise<void> {
  const speech = await realSpeech(dataDir, 'caller', 'はい、本人です。', 'ja', 48_000);
  const samples = new Int16Array(speech.length + 48_000 * 3);
  samples.set(speech);
  let seed = 11;
  for (let i = speech.length; i < samples.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    samples[i] = Math.round(((seed / 0x7fffffff) * 2 - 1) * 30);
  }
  fs.writeFileSync(file, encodeWav({ sampleRateHz: 48_000, channels: [samples] }));
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-softphone-asr-'));
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  live = await startLiveServer(KEY, script);
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
    // A softphone proves no phone possession: only the `mailbox` policy resets on such a call.
    AIZUCHI_POLICY: 'mailbox',
    AIZUCHI_RECOGNIZER: 'deepgram',
    AIZUCHI_RECOGNIZER_URL: live.baseUrl,
    AIZUCHI_RECOGNIZER_KEY: KEY,
  });
  const dialer: Dialer = { provesPhonePossession: false, dial: (trx, caseId, attempt) => softphone.dialer.dial(trx, caseId, attempt) };
  services = await createServices(config, { dialer, withSoftphone: false });
  voiceRuntime = await createVoiceRuntime(config);
  softphone = createSoftphone<ConnectedCall>({
    store: services.store,
    clock: services.clock,
    tokenKey: services.keys.tokenHmac,
    cases: services.cases,
    calls: services.calls,
    openVoice: async (args) =>
      openVoiceCall({
        runtime: voiceRuntime,
        store: services.store,
        dataDir,
        ...args,
        onNotice: (n) => notices.push({ ...n, at: Date.now() }),
      }),
  });
  const plugin = softphonePlugin({
    db: services.store.db,
    links: softphone.links,
    calls: softphone.calls,
    hub: softphone.hub,
    pollIntervalMs: 300,
    startSession: (args) => softphone.startSession(args),
  });
  server = await startServer(services, [plugin]);
  const wav = path.join(dataDir, 'caller.wav');
  await writeCallerWav(wav);
  context = await chromium.launchPersistentContext(path.join(dataDir, 'chromium'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${wav}`],
    locale: 'ja-JP',
    viewport: { width: 900, height: 1000 },
  });
}, 90_000);

afterAll(async () => {
  await context?.close();
  await server?.stop();
  await voiceRuntime?.close();
  await live?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function requestCallback(): Promise<{ caseId: string; link: string }> {
  const c = { email: EMAIL, name: '猪股', phone: '090-1234-5641', password: 'correct-horse-battery' };
  await services.identity.createAccount({ ...c, lang: 'ja', mfa: true });
  const res = await fetch(`${server.url}/api/v1/recovery-requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: c.email, phone: c.phone, lang: 'ja', consent: true, password: c.password }),
  });
  expect(res.status).toBe(202);
  const [row] = await services.cases.list({ email: c.email });
  if (!row) throw new Error('no case');
  const token = await services.cases.inTransaction((trx) => softphone.links.issue(trx, row.id, new Date(Date.now() + 86_400_000)));
  return { caseId: row.id, link: softphoneUrl(server.url, token) };
}

async function callbackIsDue(caseId: string): Promise<void> {
  const now = new Date().toISOString();
  await services.store.db
    .updateTable('jobs')
    .set({ run_at: now })
    .where('kind', '=', 'callback.start')
    .where('state', '=', 'queued')
    .where('dedupe_key', 'like', `callback:${caseId}:%`) // payloads are sealed (jobs/sealed-jobs.ts)
    .execute();
  await services.store.db.updateTable('cases').set({ scheduled_at: now }).where('id', '=', caseId).execute();
}

describe('issue 9, done when: a softphone call in Chromium with a recognizer drop', () => {
  it('speech through the Deepgram-protocol server (dropped mid-turn, retried), typing during a prompt, mixed code entry → mfa_reset', async () => {
    const { caseId, link } = await requestCallback();
    const page = await context.newPage();
    await page.goto(link);
    await waitForSoftphoneState(page, 'waiting');
    await page.click('#sp-ready');
    await callbackIsDue(caseId);
    await waitForSoftphoneState(page, 'ringing');
    await page.click('#sp-answer');
    await waitForSoftphoneState(page, 'in_call');
    // The caller keeps quiet (muted) until the test lets them speak.
    await page.click('#sp-mute');

    const agentLines = () => page.locator('#sp-captions .sp-agent').count();
    const captions = async () => (await page.locator('#sp-captions').textContent()) ?? '';
    const agentDone = (after: number, what: string) => waitForAgentTurn(page, after, what);
    /** Unmutes until the recognizer has answered the armed line, then mutes again. */
    const speak = async (line: string) => {
      armed = line;
      const before = heard.length;
      await page.click('#sp-mute');
      await waitFor(`the recognizer to hear "${line}"`, async () => heard.length > before, 60_000);
      await page.click('#sp-mute');
    };
    const type = async (text: string) => {
      await page.fill('#sp-text', text);
      await page.click('#sp-text-form button[type=submit]');
    };

    // 1. The greeting (not interruptible) ends with the right-party question; the answer is spoken.
    await agentDone(0, 'the greeting');
    expect(await captions()).toContain('ご本人様でいらっしゃいますか');
    await shot(page, 'greeting');
    await speak('はい、本人です。');
    expect(heard.at(-1)).toEqual({ text: 'はい、本人です。', session: 0 });

    // 2. Typing while the agent explains the call is barge-in: the prompt stops for the caller.
    const linesBefore = await agentLines();
    await waitFor('the reason for the call to start playing', async () => (await agentLines()) > linesBefore, 30_000);
    const framesAtStart = (await softphoneStats(page)).nonSilentFramesReceived;
    await waitFor('agent audio', async () => (await softphoneStats(page)).nonSilentFramesReceived > framesAtStart + 10, 30_000);
    const typedAt = Date.now();
    await page.type('#sp-text', 'だい');
    await waitFor('a barge-in caused by typing', async () =>
      notices.some((n) => n.type === 'barge_in' && n.cause === 'caller-words' && n.at >= typedAt),
    );
    await shot(page, 'typed-barge-in');
    await page.fill('#sp-text', '');
    await type('大丈夫です');
    await waitFor('the email question', async () => (await captions()).includes('アルファベット一文字ずつ'), 60_000);
    await agentDone((await agentLines()) - 1, 'the email question');

    // 3. The address is spoken; the recognizer's socket drops in the middle of that turn.
    script.dropAfterBytes = { bytes: (live.sessions[0]?.audioBytes ?? 0) + 8_000, sessions: 1 };
    await speak('エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム');
    expect(notices.filter((n) => n.type === 'recognizer_retry').length).toBeGreaterThanOrEqual(1);
    expect(notices.some((n) => n.type === 'recognizer_failed')).toBe(false);
    // Heard on the replacement stream: recognition went on after the drop.
    expect(heard.at(-1)?.session).toBeGreaterThanOrEqual(1);
    expect(live.sessions.length).toBeGreaterThanOrEqual(2);
    await waitFor('the code question', async () => (await captions()).includes('8桁'), 60_000);
    await agentDone((await agentLines()) - 1, 'the code question');
    await shot(page, 'code-asked');

    // 4. The code: four digits typed, four keyed.
    const code = await codeFromMail(server.url, EMAIL);
    await type(code.slice(0, 4));
    await pressKeys(page, code.slice(4));
    await waitForSoftphoneState(page, 'ended', 60_000);
    await shot(page, 'ended');
    expect((await softphoneStats(page)).outcome).toBe('mfa_reset');
    expect(await services.cases.require(caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
    const history = (await services.cases.history(caseId)).map((e) => e.kind);
    expect(history).toContain('code_verified');
    await page.close();
  }, 300_000);
});
