import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCarrier } from '../../src/channels/testing/fake-carrier';
import { loadConfig } from '../../src/config';
import { type Services, createServices } from '../../src/main';
import { resampleAll } from '../../src/media/resampler';
import { addNoise, rms, seededRandom } from '../../src/media/testing/signals';
import { speakJapanese } from '../../src/media/testing/speech';
import { createLogger } from '../../src/observability/logger';
import { type TranscriptionServer, startTranscriptionServer } from '../../src/speech/whisper-http/openai-transcription-server';
import { type AudioSocketServer, startAudioSocketServer } from '../../src/telephony/audiosocket';
import { connectAudioSocket } from '../../src/telephony/audiosocket/testing/audiosocket-client';
import { JA, until } from './vendor-call-rig';

// Issue 8 §4, the AudioSocket AudioChannel as a carrier call's audio: an attempt placed through a
// carrier (the fake; aizuchi has no Asterisk carrier) whose answered leg arrives over a real
// AudioSocket connection. The real voice line runs over it: the agent's greeting reaches "Asterisk"
// as slin audio, and the caller's speech reaches the configured recognizer (OpenAI transcription
// protocol, local server), as with SIP.

describe('a carrier call whose audio is an AudioSocket connection', () => {
  let services: Services | null = null;
  let audioSocket: AudioSocketServer | null = null;
  let transcription: TranscriptionServer | null = null;
  let dataDir = '';
  afterEach(async () => {
    await audioSocket?.close();
    await services?.close();
    await transcription?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('the agent is heard over AudioSocket and the caller is transcribed', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-audiosocket-call-'));
    const lines = ['はい、そうです'];
    const tx = await startTranscriptionServer(() => ({ status: 200, body: JSON.stringify({ text: lines.shift() ?? '' }) }));
    transcription = tx;
    const fake = new FakeCarrier({ name: 'sip' });
    const s = await createServices(
      loadConfig({
        PORT: '0',
        AIZUCHI_MAIL_CATCHER_PORT: '0',
        AIZUCHI_METRICS_PORT: '0',
        AIZUCHI_DATA_DIR: dataDir,
        AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
        AIZUCHI_CALLBACK_LEAD_SEC: '0',
        AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
        AIZUCHI_JAPANESE_HOLIDAYS: 'false',
        AIZUCHI_TELEPHONY: 'sip',
        // The gate is tested elsewhere; here the agent greets at once.
        AIZUCHI_TELEPHONY_MACHINE_DETECTION: 'carrier',
        AIZUCHI_RECOGNIZER: 'whisper-http',
        AIZUCHI_RECOGNIZER_URL: tx.baseUrl,
        AIZUCHI_RECOGNIZER_KEY: 'test-key',
      }),
      {
        logger: createLogger('silent'),
        withSoftphone: false,
        carrier: (_config, deps) => {
          fake.reportTo(deps.events);
          return fake;
        },
      },
    );
    services = s;
    await s.mail.catcher?.start();
    await s.identity.createAccount({ ...JA, mfa: true });
    const submitted = await s.recovery.submit(
      { email: JA.email, password: JA.password, phone: JA.phone, lang: JA.lang, consent: true },
      { clientIp: '127.0.0.1' },
    );
    expect(submitted.kind).toBe('accepted');
    const caseId = (await s.cases.list({ email: JA.email }))[0]!.id;
    await until('the call', async () => {
      await s.jobs.worker.runDue();
      return fake.placed.length === 1;
    });
    const { leg } = fake.lastPlaced();
    await fake.progress(leg, { kind: 'answered' });
    // The answered leg's audio arrives over AudioSocket: the carrier hands it to the call service.
    audioSocket = await startAudioSocketServer({
      host: '127.0.0.1',
      port: 0,
      allow: ['127.0.0.1'],
      logger: createLogger('silent'),
      onCall: (_uuid, channel) => void fake.answer(leg, channel),
    });
    const asterisk = await connectAudioSocket(audioSocket.address.port);
    asterisk.sendUuid('5f0c2a9e-3b7d-4c1e-9a8f-6d5e4c3b2a10');

    // Asterisk sends the caller's line every 20 ms: a quiet noise floor, and the answer once asked.
    const noise = seededRandom(3);
    const queue: Int16Array[] = [];
    const line = setInterval(() => {
      const next = queue.shift() ?? Int16Array.from({ length: 160 }, () => Math.round((noise() - 0.5) * 60));
      asterisk.sendAudio(next);
    }, 20);
    try {
      // The agent's greeting: voiced audio arrives, then it falls quiet waiting for an answer.
      let lastVoiced = 0;
      let voiced = 0;
      let seen = 0;
      await until(
        'the greeting to play and end',
        () => {
          const frames = asterisk.received.filter((m) => m.kind === 'audio');
          for (; seen < frames.length; seen++) {
            const f = frames[seen]!;
            if (f.kind === 'audio' && rms(f.samples) > 300) {
              voiced++;
              lastVoiced = Date.now();
            }
          }
          return voiced > 50 && Date.now() - lastVoiced > 1000;
        },
        90_000,
      );
      expect(rms(asterisk.audioHeard())).toBeGreaterThan(300);

      const wav = await speakJapanese(dataDir, 'answer', 'はい、そうです');
      const speech = addNoise(resampleAll(wav.channels[0]!, wav.sampleRateHz, 8000), 35, seededRandom(11));
      for (let at = 0; at + 160 <= speech.length; at += 160) queue.push(speech.slice(at, at + 160));
      await until('the answer to reach the recognizer and the transcript', async () => {
        const [call] = await s.calls.callsForCase(caseId);
        return tx.requests.length > 0 && (call?.transcript.some((l) => l.speaker === 'caller' && l.text === 'はい、そうです') ?? false);
      });
      const [call] = await s.calls.callsForCase(caseId);
      expect(call!.transcript.filter((l) => l.speaker === 'agent').length).toBeGreaterThan(0);
    } finally {
      clearInterval(line);
    }
    asterisk.hangUp();
    await until('the call to end', async () => (await s.calls.callsForCase(caseId))[0]?.call.state === 'ended');
  }, 180_000);
});
