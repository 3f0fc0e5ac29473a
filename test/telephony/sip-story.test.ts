import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AudioChannel } from '../../src/channels/audio-channel';
import { carriers } from '../../src/compose/telephony';
import { loadConfig } from '../../src/config';
import { type Services, createServices } from '../../src/main';
import { rms } from '../../src/media/testing/signals';
import { speakJapanese } from '../../src/media/testing/speech';
import { createLogger } from '../../src/observability/logger';
import { startTranscriptionServer, type TranscriptionServer } from '../../src/speech/whisper-http/openai-transcription-server';
import { LAB_PASSWORD, LAB_USER, startSipLab, type SipLab } from '../../src/telephony/sip/testing/sip-lab';
import { CUSTOMER, JA_LINES } from './carrier-rig';

// Issue 8, done when: a due callback with AIZUCHI_TELEPHONY=sip rings baresip through Kamailio; the
// greeting is heard in baresip's recording, the customer answers by voice (open_jtalk speech played
// by baresip, transcribed by a server speaking the OpenAI transcription protocol), keys the mailed
// code on baresip's keypad (RFC 4733), and the case ends mfa_reset with the phone proven.

describe('a callback over SIP through Kamailio to baresip (real packages, real voice chain)', () => {
  let lab: SipLab | null = null;
  let services: Services | null = null;
  let recognizer: TranscriptionServer | null = null;
  let dir = '';
  afterEach(async () => {
    await services?.close();
    await lab?.stop();
    await recognizer?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends mfa_reset: greeting heard, answers spoken, code keyed on the phone', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-sip-story-'));
    // The transcript of whatever the customer is saying now; each is given out once.
    let saying: string | null = null;
    recognizer = await startTranscriptionServer(() => {
      const text = saying ?? '';
      saying = null;
      return { status: 200, body: JSON.stringify({ text }) };
    });
    // baresip's voice is silence until the test switches it to a spoken answer (aufile hangs up at
    // the end of a file, so every file is padded far beyond what the call needs).
    lab = await startSipLab({ callerVoice: new Int16Array(8000 * 300) });

    let agentFrames = 0;
    let agentLoudFrames = 0;
    const watch = (audio: AudioChannel) => {
      const send = audio.sendFrame.bind(audio);
      audio.sendFrame = (frame) => {
        agentFrames++;
        if (rms(frame.samples) > 300) agentLoudFrames++;
        send(frame);
      };
    };
    services = await createServices(
      loadConfig({
        PORT: '0',
        AIZUCHI_MAIL_CATCHER_PORT: '0',
        AIZUCHI_METRICS_PORT: '0',
        AIZUCHI_DATA_DIR: dir,
        AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
        AIZUCHI_CALLBACK_LEAD_SEC: '0',
        AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
        AIZUCHI_JAPANESE_HOLIDAYS: 'false',
        AIZUCHI_TELEPHONY: 'sip',
        AIZUCHI_SIP_TRUNK: lab.trunk,
        AIZUCHI_SIP_USER: LAB_USER,
        AIZUCHI_SIP_PASSWORD: LAB_PASSWORD,
        AIZUCHI_SIP_FROM: '+81501234567',
        AIZUCHI_SIP_LISTEN: '127.0.0.1:0',
        AIZUCHI_RECOGNIZER: 'whisper-http',
        AIZUCHI_RECOGNIZER_URL: recognizer.baseUrl,
      }),
      {
        logger: createLogger('silent'),
        withSoftphone: false,
        // The registry's own sip carrier; the events are only watched (what the agent sends, for pacing the test).
        carrier: (config, deps) =>
          carriers.sip(config, {
            ...deps,
            events: {
              progress: (leg, p) => deps.events.progress(leg, p),
              answered: (token, audio, leg) => {
                watch(audio);
                return deps.events.answered(token, audio, leg);
              },
            },
          }),
      },
    );
    const s = services;
    await s.mail.catcher?.start();
    const until = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        await s.jobs.worker.runDue();
        if (await check()) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    /**
     * The agent said something new and then fell quiet for 2.5 s: its turn is over. (Synthesis of a
     * next sentence can leave a gap of a second or more on a loaded box; the agent reprompts only
     * after 7 s of silence, agent/tuning.ts noInputMs.)
     */
    const agentDone = async (what: string) => {
      const before = agentLoudFrames;
      await until(`${what}: the agent speaks`, () => agentLoudFrames > before);
      let last = -1;
      let quietSince = Date.now();
      await until(`${what}: the agent finishes`, () => {
        if (agentLoudFrames !== last) {
          last = agentLoudFrames;
          quietSince = Date.now();
        }
        return Date.now() - quietSince > 2500;
      });
    };
    const say = async (n: number, text: string) => {
      await speakJapanese(dir, `answer-${n}`, text);
      const file = path.join(dir, `answer-${n}-8k.wav`);
      execFileSync('sox', [path.join(dir, `answer-${n}.wav`), '-r', '8000', '-c', '1', '-b', '16', file, 'pad', '0.3', '120']);
      saying = text;
      await lab!.command(`ausrc aufile,${file}`);
    };

    const { account } = await s.identity.createAccount({ ...CUSTOMER, mfa: true });
    const submitted = await s.recovery.submit(
      { email: CUSTOMER.email, password: CUSTOMER.password, phone: CUSTOMER.phone, lang: CUSTOMER.lang, consent: true },
      { clientIp: '127.0.0.1' },
    );
    expect(submitted.kind).toBe('accepted');
    const [row] = await s.cases.list({ email: CUSTOMER.email });
    const caseId = row!.id;

    await until('baresip answers', () => lab!.events.some((e) => e.type === 'CALL_ESTABLISHED'));
    await agentDone('greeting');
    for (const [i, line] of JA_LINES.entries()) {
      await say(i, line);
      await agentDone(`after answer ${i + 1}`);
    }
    let code: string | undefined;
    await until('the code mail', async () => {
      const mails = await s.store.db
        .selectFrom('mail_messages')
        .select(['subject', 'text'])
        .where('to_addr', '=', CUSTOMER.email)
        .execute();
      const mail = mails.find((m) => /確認コード|verification code/i.test(m.subject));
      code = mail ? /^\s+(\d{8})\s*$/m.exec(mail.text)?.[1] : undefined;
      return code !== undefined;
    });
    await lab.command(`sndcode ${code}`);
    await until('the outcome', async () => (await s.cases.require(caseId)).outcome !== null, 90_000);

    expect(await s.cases.require(caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
    expect(await s.identity.getAccount(account.id)).toMatchObject({ mfaEnabled: false });
    const [call] = await s.calls.callsForCase(caseId);
    expect(call!.call).toMatchObject({ carrier: 'sip', proves_phone_possession: 1, outcome: 'mfa_reset' });
    expect(call!.call.carrier_call_id).toMatch(/@aizuchi$/);
    // Each spoken answer reached the recognizer as audio from the phone.
    expect(recognizer.requests.length).toBeGreaterThanOrEqual(JA_LINES.length);
    // The agent says goodbye (with what to do next, which takes a while) and hangs up: a BYE reaches the phone.
    await lab.waitForEvent('CALL_CLOSED', 120_000);
    await until('the carrier leg to end', async () => (await s.calls.callsForCase(caseId))[0]!.call.carrier_progress === 'ended');
    // What the customer heard: baresip's recording holds the agent's speech (seconds of it).
    const [heard] = await lab.recordings();
    const samples = heard!.channels[0]!;
    let loud = 0;
    for (let i = 0; i + 160 <= samples.length; i += 160) if (rms(samples.subarray(i, i + 160)) > 500) loud++;
    expect(loud).toBeGreaterThan(100); // > 2 s of agent speech
    expect(agentFrames).toBeGreaterThan(loud);
  }, 420_000);
});
