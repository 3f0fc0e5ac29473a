import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import type { Lang } from '../../src/domain/lang';
import { type RunningServer, type Services, createServices, startServer } from '../../src/main';
import { encodeG711 } from '../../src/media/g711';
import { resampleAll } from '../../src/media/resampler';
import { addNoise, seededRandom } from '../../src/media/testing/signals';
import { speakEnglish, speakJapanese } from '../../src/media/testing/speech';
import { createLogger } from '../../src/observability/logger';
import { type TranscriptionServer, startTranscriptionServer } from '../../src/speech/whisper-http/openai-transcription-server';
import type { FakeCalleeStream } from '../../src/telephony/testing/fake-callee-stream';

/**
 * A whole aizuchi server (the real composition root and HTTP app, voice engines included) dialling
 * through a vendor fake, with the recognizer speaking the OpenAI transcription protocol to a local
 * server that answers each utterance with the line the test says the callee said (the callee's
 * audio is real synthesized speech, so the voice-activity detector hears a real utterance).
 */
export interface VendorCallRig {
  services: Services;
  server: RunningServer;
  publicUrl: string;
  transcription: TranscriptionServer;
  /** What the recognizer will answer for the callee's next utterance. */
  nextLine: string[];
  dispose(): Promise<void>;
}

/** One helper for free ports across the tests (it never hands out the same port twice). */
export { freePort } from '../e2e/support/test-server';

export async function vendorCallRig(port: number, env: Record<string, string>): Promise<VendorCallRig> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-vendor-'));
  const nextLine: string[] = [];
  // One reply per utterance; anything the script did not say (line noise) transcribes as nothing.
  const transcription = await startTranscriptionServer(() => ({ status: 200, body: JSON.stringify({ text: nextLine.shift() ?? '' }) }));
  const publicUrl = `http://127.0.0.1:${port}`;
  const services = await createServices(
    loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      AIZUCHI_PUBLIC_URL: publicUrl,
      AIZUCHI_MAIL_CATCHER_PORT: '0',
      AIZUCHI_METRICS_PORT: '0',
      AIZUCHI_DATA_DIR: dataDir,
      AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
      AIZUCHI_CALLBACK_LEAD_SEC: '0',
      AIZUCHI_CALLBACK_RETRY_DELAY_MIN: '0',
      AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
      AIZUCHI_JAPANESE_HOLIDAYS: 'false',
      AIZUCHI_RECOGNIZER: 'whisper-http',
      AIZUCHI_RECOGNIZER_URL: transcription.baseUrl,
      AIZUCHI_RECOGNIZER_KEY: 'test-key',
      ...env,
    }),
    { logger: createLogger('silent'), withSoftphone: false },
  );
  const server = await startServer(services);
  return {
    services,
    server,
    publicUrl,
    transcription,
    nextLine,
    async dispose() {
      await server.stop();
      await transcription.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Customer {
  email: string;
  password: string;
  name: string;
  phone: string;
  lang: Lang;
}

/** Files the customer's account and a password-verified recovery request, as the form would. */
export async function requestCallback(rig: VendorCallRig, c: Customer): Promise<{ accountId: string; caseId: string }> {
  const { account } = await rig.services.identity.createAccount({ ...c, mfa: true });
  const result = await rig.services.recovery.submit(
    { email: c.email, password: c.password, phone: c.phone, lang: c.lang, consent: true },
    { clientIp: '127.0.0.1' },
  );
  if (result.kind !== 'accepted') throw new Error(`request not accepted: ${result.kind}`);
  const [row] = await rig.services.cases.list({ email: c.email });
  return { accountId: account.id, caseId: row!.id };
}

/** Polls `check` (no timing assertion) until it holds. */
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The 8-digit code in the newest verification-code mail to `email`. */
export async function readCode(rig: VendorCallRig, email: string): Promise<string> {
  let code: string | undefined;
  await until('the code mail', async () => {
    const mails = await rig.services.store.db
      .selectFrom('mail_messages')
      .select(['subject', 'text'])
      .where('to_addr', '=', email)
      .orderBy('received_at', 'desc')
      .execute();
    const mail = mails.find((m) => /確認コード|verification code/i.test(m.subject));
    code = mail ? /^\s+(\d{8})\s*$/m.exec(mail.text)?.[1] : undefined;
    return code !== undefined;
  });
  return code!;
}

/** Real synthesized speech (open_jtalk / espeak-ng) as μ-law 8 kHz with a quiet line-noise floor. */
export async function speechMulaw(dir: string, lang: Lang, text: string): Promise<Buffer> {
  const name = `callee-${Math.random().toString(36).slice(2)}`;
  const wav = lang === 'ja' ? await speakJapanese(dir, name, text) : await speakEnglish(dir, name, text);
  const speech = resampleAll(wav.channels[0]!, wav.sampleRateHz, 8000);
  const noisy = addNoise(speech, 35, seededRandom(5));
  return Buffer.from(encodeG711('mulaw', { samples: noisy, sampleRateHz: 8000 }));
}

/**
 * Waits for the agent's turn to end: the call's newest transcript line is the agent's, its audio
 * has played since it was written (voiced frames beyond `since`, the last one after the line), and
 * `quietMs` of quiet followed — or the stream closed. Answering a little early (synthesis can
 * pause between sentences on a loaded machine) is a barge-in the agent handles, as a person would.
 */
export async function agentAsked(
  rig: VendorCallRig,
  caseId: string,
  stream: FakeCalleeStream,
  since: number,
  quietMs = 800,
): Promise<void> {
  let closed = false;
  void stream.closed.then(() => (closed = true));
  await until(
    'the agent to ask and fall quiet',
    async () => {
      if (closed) return true;
      if (stream.voicedFrames <= since || Date.now() - stream.lastVoiceAt < quietMs) return false;
      const calls = await rig.services.calls.callsForCase(caseId);
      const last = calls.at(-1)?.transcript.at(-1);
      // The question's own audio has played since it was written (the carrier plays in real time, behind what we send).
      return last?.speaker === 'agent' && stream.lastVoiceAt > Date.parse(last.at);
    },
    90_000,
  );
}

export const JA: Customer = {
  email: 'matty@gmail.com',
  password: 'correct-horse-battery',
  name: '猪股',
  phone: '090-1234-5678',
  lang: 'ja',
};
export const EN: Customer = {
  email: 'alexi@gmail.com',
  password: 'correct-horse-battery',
  name: 'Alex Inomata',
  phone: '090-1234-5602',
  lang: 'en',
};
/** What the callee says, turn by turn (what the recognizer answers); the audio is a plain answer's length of real speech each time. */
export const LINES = {
  ja: {
    hello: 'もしもし',
    turns: ['はい、そうです', 'はい、大丈夫です', 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム'],
  },
  en: { hello: 'Hello?', turns: ['Yes, speaking.', "Sure, that's fine.", 'a, l, e, x, i, at gmail dot com'] },
} as const;

/**
 * A person answering: a short hello (the answering-machine gate hears a person), then each of the
 * customer's lines when the agent has asked, then the mailed code keyed as the carrier's DTMF
 * events. `done` gets null, or what went wrong.
 */
export function humanCallee(
  c: Customer,
  getRig: () => VendorCallRig,
  caseId: () => string,
  done: (e: unknown) => void,
): (stream: FakeCalleeStream) => Promise<void> {
  const lines = LINES[c.lang];
  return async (stream) => {
    try {
      const r = getRig();
      const dir = r.services.config.dataDir;
      // A plain answer's length of real speech: a lone はい is a backchannel while the agent talks.
      const utterance = await speechMulaw(dir, c.lang, c.lang === 'ja' ? 'はい、そうです' : 'Yes, that is right');
      await stream.say(await speechMulaw(dir, c.lang, lines.hello));
      let heard = 0;
      for (const line of lines.turns) {
        await agentAsked(r, caseId(), stream, heard);
        heard = stream.voicedFrames;
        r.nextLine.push(line);
        await stream.say(utterance);
      }
      const code = await readCode(r, c.email);
      await agentAsked(r, caseId(), stream, heard);
      stream.press(code);
      await stream.closed;
      done(null);
    } catch (e) {
      done(e);
    }
  };
}
