import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InMemoryAudioChannel } from '../../src/calls/voice/testing/in-memory-channel';
import { FakeCarrier } from '../../src/channels/testing/fake-carrier';
import { framesOf } from '../../src/media/reframer';
import { resampleAll } from '../../src/media/resampler';
import { addNoise, seededRandom } from '../../src/media/testing/signals';
import { speakEnglish, speakJapanese } from '../../src/media/testing/speech';
import { ScriptedCallChannel } from '../../src/channels/testing/scripted-call-channel';
import { loadConfig } from '../../src/config';
import { type Services, createServices } from '../../src/main';
import { createLogger } from '../../src/observability/logger';
import { openFreshStore } from '../jobs/fresh-store';

export const CUSTOMER = {
  email: 'matty@gmail.com',
  password: 'correct-horse-battery',
  name: '猪股',
  phone: '090-1234-5678',
  lang: 'ja' as const,
};
/** What the customer says on the call, in order (confirm name, go ahead, spell the email): as the text-call tests. */
export const JA_LINES = ['はい、そうです', 'はい、大丈夫です', 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム'];

export interface CarrierRig {
  /** Temp folder of this rig (data dir; synthesized test speech goes here too). */
  dataDir: string;
  services: Services;
  fake: FakeCarrier;
  /** The scripted lines answered calls ran over, in answer order. */
  lines: ScriptedCallChannel[];
  /** The database URL, for a second connection. */
  databaseUrl: string;
  dispose(): Promise<void>;
}

/**
 * The real composition root with AIZUCHI_TELEPHONY=sip standing for the fake carrier, a scripted
 * text line instead of the voice engines, the mail catcher, and a business calendar that is always
 * open. Jobs run only when a test calls `services.jobs.worker.runDue()`.
 */
export async function carrierRig(
  env: Record<string, string> = {},
  postgresUrl?: string,
  opts: { withSoftphone?: boolean } = {},
): Promise<CarrierRig> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-carrier-'));
  const fresh = postgresUrl ? await openFreshStore(postgresUrl) : null;
  if (fresh) await fresh.store.close();
  const databaseUrl = fresh ? fresh.url : `sqlite:${path.join(dataDir, 'aizuchi.db')}`;
  const fake = new FakeCarrier({ name: 'sip' });
  const lines: ScriptedCallChannel[] = [];
  const services = await createServices(
    loadConfig({
      PORT: '0',
      AIZUCHI_MAIL_CATCHER_PORT: '0',
      AIZUCHI_METRICS_PORT: '0',
      AIZUCHI_DATA_DIR: dataDir,
      AIZUCHI_DATABASE_URL: databaseUrl,
      AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
      AIZUCHI_CALLBACK_LEAD_SEC: '0',
      AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
      AIZUCHI_JAPANESE_HOLIDAYS: 'false',
      AIZUCHI_TELEPHONY: 'sip',
      ...env,
    }),
    {
      logger: createLogger('silent'),
      withSoftphone: opts.withSoftphone ?? false,
      carrier: (_config, deps) => {
        fake.reportTo(deps.events);
        return fake;
      },
      carrierLine: async () => {
        const line = new ScriptedCallChannel();
        lines.push(line);
        return line;
      },
    },
  );
  await services.mail.catcher?.start();
  return {
    dataDir,
    services,
    fake,
    lines,
    databaseUrl,
    async dispose() {
      await services.close();
      if (fresh) await fresh.dispose();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Files the customer's account and recovery request (with the password), as the form would. */
export async function requestCallback(rig: CarrierRig): Promise<{ accountId: string; caseId: string }> {
  const { account } = await rig.services.identity.createAccount({ ...CUSTOMER, mfa: true });
  const result = await rig.services.recovery.submit(
    { email: CUSTOMER.email, password: CUSTOMER.password, phone: CUSTOMER.phone, lang: CUSTOMER.lang, consent: true },
    { clientIp: '127.0.0.1' },
  );
  if (result.kind !== 'accepted') throw new Error(`request not accepted: ${result.kind}`);
  const [row] = await rig.services.cases.list({ email: CUSTOMER.email });
  return { accountId: account.id, caseId: row!.id };
}

/** Waits (polling, no timing assertion) until `check` holds; runs due jobs between looks. */
export async function until(rig: CarrierRig, what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await rig.services.jobs.worker.runDue();
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The 8-digit code in the newest verification-code mail to the customer, once it arrived. */
export async function readCode(rig: CarrierRig): Promise<string> {
  let code: string | undefined;
  await until(rig, 'the code mail', async () => {
    const mails = await rig.services.store.db
      .selectFrom('mail_messages')
      .select(['subject', 'text'])
      .where('to_addr', '=', CUSTOMER.email)
      .orderBy('received_at', 'desc')
      .execute();
    const mail = mails.find((m) => /確認コード|verification code/i.test(m.subject));
    code = mail ? /^\s+(\d{8})\s*$/m.exec(mail.text)?.[1] : undefined;
    return code !== undefined;
  });
  return code!;
}

/** Says a line once the agent listens, then waits for it to listen again (or end). */
export async function sayWhenListening(rig: CarrierRig, line: ScriptedCallChannel, act: (l: ScriptedCallChannel) => void): Promise<void> {
  await until(rig, 'the agent to listen', () => line.expecting !== null || line.outcome !== null);
  line.expecting = null;
  act(line);
}

/** Case event kinds, in order. */
export async function eventKinds(rig: CarrierRig, caseId: string): Promise<string[]> {
  return (await rig.services.cases.history(caseId)).map((e) => e.kind);
}

/** A case event's data, parsed: the n-th (0-based) of that kind. */
export async function eventData(rig: CarrierRig, caseId: string, kind: string, n = 0): Promise<Record<string, unknown> | undefined> {
  const events = (await rig.services.cases.history(caseId)).filter((e) => e.kind === kind);
  return events[n] ? (JSON.parse(events[n].data) as Record<string, unknown>) : undefined;
}

/**
 * The callee's side of an answered call: real synthesized speech (open_jtalk for ja, espeak-ng for
 * en) at the channel's 8 kHz with a quiet line-noise floor, then `silenceMs` of line noise only.
 */
export async function calleeSays(
  rig: CarrierRig,
  audio: InMemoryAudioChannel,
  lang: 'ja' | 'en',
  text: string,
  silenceMs = 1200,
): Promise<void> {
  const name = `callee-${Math.random().toString(36).slice(2)}`;
  const wav = lang === 'ja' ? await speakJapanese(rig.dataDir, name, text) : await speakEnglish(rig.dataDir, name, text);
  const speech = resampleAll(wav.channels[0]!, wav.sampleRateHz, audio.sampleRateHz);
  const all = new Int16Array(speech.length + (silenceMs * audio.sampleRateHz) / 1000);
  all.set(speech);
  for (const frame of framesOf(addNoise(all, 35, seededRandom(11)), audio.sampleRateHz)) audio.receiveFrame(frame);
}

/** A Japanese voicemail greeting, as an answering machine plays it on pick-up. */
export const VOICEMAIL_JA = 'ただいま電話に出ることができません。ピーという発信音のあとに、お名前とご用件をお話しください。';
