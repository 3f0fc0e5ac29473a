import { afterEach, describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import {
  resultsMessage,
  startLiveServer,
  type LiveScript,
  type LiveServer,
  type LiveSession,
} from '../../speech/deepgram/deepgram-live-server';
import { DeepgramRecognizer } from '../../speech/deepgram/deepgram-recognizer';
import type { Hypothesis, Recognizer, RecognizerError } from '../../speech/recognizer';
import { toneFrames } from '../../speech/recognizer-test-audio';
import { startTranscriptionServer, type TranscriptionServer } from '../../speech/whisper-http/openai-transcription-server';
import { WhisperHttpRecognizer } from '../../speech/whisper-http/whisper-http-recognizer';
import { RecognitionTurns } from './recognition-turns';

// The recognizer side of a call against the local Deepgram-protocol and OpenAI-protocol servers:
// one stream per call for Deepgram (Finalize at each endpoint), retries in one place (issue 9).

const RATE = 16000;
const KEY = 'dg-test-key';
const turnAudio = (ms: number): AudioFrame[] => toneFrames(ms, RATE);

function line(recognizer: Recognizer, retryDelaysMs?: readonly number[]) {
  const finals: string[] = [];
  const failures: RecognizerError[] = [];
  const turns = new RecognitionTurns({
    recognizer,
    lang: 'ja',
    sampleRateHz: RATE,
    preRollFrames: 15,
    ...(retryDelaysMs ? { retryDelaysMs } : {}),
    onHypothesis: (h: Hypothesis) => void (h.isFinal && finals.push(h.text)),
    onFailure: (error) => void failures.push(error),
  });
  const speak = (frames: readonly AudioFrame[]): void => {
    turns.begin();
    for (const frame of frames) turns.push(frame);
    turns.finish();
  };
  return { turns, finals, failures, speak };
}

/** Polls until `done` holds (socket servers answer asynchronously), failing after `ms`. */
async function until(done: () => boolean, ms = 8000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('recognition turns on the Deepgram protocol', () => {
  let server: LiveServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** Each Finalize is answered with a final naming the session and how much audio it had. */
  const finalizing = (sessions: () => LiveSession[]): Pick<LiveScript, 'onFinalize'> => ({
    onFinalize: (s) => [
      resultsMessage({ transcript: `s${sessions().indexOf(s)} ${s.audioBytes} bytes`, isFinal: true, startSec: 0, durationSec: 0.1 }),
    ],
  });

  it('keeps one stream open across turns and finalizes it at each endpoint', async () => {
    const live = await startLiveServer(KEY, { ...finalizing(() => live.sessions) });
    server = live;
    const l = line(new DeepgramRecognizer({ apiKey: KEY, baseUrl: live.baseUrl }));
    for (let turn = 0; turn < 3; turn++) {
      l.speak(turnAudio(200));
      await until(() => l.finals.length === turn + 1);
    }
    expect(live.sessions).toHaveLength(1);
    expect(live.sessions[0]?.finalizes).toBe(3);
    expect(live.sessions[0]?.closeStreamReceived).toBe(false);
    expect(l.finals).toEqual(['s0 6400 bytes', 's0 12800 bytes', 's0 19200 bytes']);
    expect(l.turns.stats).toMatchObject({ streamsOpened: 1, turns: 3, retries: 0 });
    l.turns.close();
  });

  it('a socket dropped mid-call, then a 2 s outage: retried with backoff, and recognition goes on', { timeout: 15_000 }, async () => {
    let outageEnds: number | null = null;
    const live: LiveServer = await startLiveServer(KEY, {
      ...finalizing(() => live.sessions),
      dropAfterBytes: { bytes: 6400, sessions: 1 },
      // The first reconnect finds the engine down for 2 s (503), like a restarting service.
      refuse: () => {
        if (live.sessions.length === 0) return null;
        outageEnds ??= Date.now() + 2000;
        return Date.now() < outageEnds ? 503 : null;
      },
    });
    server = live;
    const l = line(new DeepgramRecognizer({ apiKey: KEY, baseUrl: live.baseUrl }));
    l.speak(turnAudio(500)); // the socket drops after 200 ms of it
    await until(() => l.finals.length === 1, 10_000);
    l.speak(turnAudio(200));
    await until(() => l.finals.length === 2);
    expect(l.failures).toEqual([]);
    // The new stream got the whole first turn again (16000 bytes), then the second on the same stream.
    expect(l.finals).toEqual(['s1 16000 bytes', 's1 22400 bytes']);
    expect(live.sessions).toHaveLength(2);
    expect(l.turns.stats.retries).toBeGreaterThanOrEqual(2);
    expect(l.turns.stats.recoveryMs[0]).toBeGreaterThanOrEqual(2000);
    l.turns.close();
  });

  it('a replay after a drop carries only the turn not yet answered, even when an earlier final was empty', async () => {
    const live: LiveServer = await startLiveServer(KEY, {
      // Turn 1 gets an empty final (silence, or words the engine dropped), which the adapter skips.
      onFinalize: (s) => [
        resultsMessage({
          transcript: s.finalizes === 1 && live.sessions.indexOf(s) === 0 ? '' : `s${live.sessions.indexOf(s)} ${s.audioBytes} bytes`,
          isFinal: true,
          startSec: 0,
          durationSec: 0.1,
        }),
      ],
      dropAfterBytes: { bytes: 12800, sessions: 1 }, // 200 ms into turn 2
    });
    server = live;
    const l = line(new DeepgramRecognizer({ apiKey: KEY, baseUrl: live.baseUrl }), [20, 40]);
    l.speak(turnAudio(200));
    await until(() => live.sessions[0]?.finalizes === 1);
    l.speak(turnAudio(500));
    await until(() => l.finals.length === 1);
    expect(l.finals).toEqual(['s1 16000 bytes']); // turn 2 alone, not turn 1 heard twice
    l.turns.close();
  });

  it('a 4xx is not retried: recognition ends at once, reported once', async () => {
    const live = await startLiveServer(KEY, { refuse: () => 400 });
    server = live;
    const l = line(new DeepgramRecognizer({ apiKey: KEY, baseUrl: live.baseUrl }), [5, 5, 5]);
    l.speak(turnAudio(200));
    await until(() => l.failures.length > 0);
    l.speak(turnAudio(200));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(l.failures.map((e) => [e.code, e.retryable])).toEqual([['bad-request', false]]);
    expect(l.turns.stats).toMatchObject({ streamsOpened: 1, retries: 0 });
    expect(l.turns.failed).toBe(true);
  });
});

describe('recognition turns on the OpenAI transcription protocol (per utterance)', () => {
  let server: TranscriptionServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('a connection dropped mid-call is retried with the same utterance, and later turns are heard', async () => {
    let calls = 0;
    server = await startTranscriptionServer((request) =>
      ++calls === 1 ? 'drop' : { status: 200, body: JSON.stringify({ text: `${request.samples.length} samples` }) },
    );
    const l = line(new WhisperHttpRecognizer({ baseUrl: server.baseUrl }), [20, 40]);
    l.speak(turnAudio(500));
    await l.turns.settled();
    l.speak(turnAudio(300));
    await l.turns.settled();
    expect(l.finals).toEqual(['8000 samples', '4800 samples']);
    expect(l.failures).toEqual([]);
    expect(server.requests).toHaveLength(3);
    expect(l.turns.stats).toMatchObject({ streamsOpened: 3, turns: 2, retries: 1 });
  });

  it('a 400 is not retried', async () => {
    server = await startTranscriptionServer(() => ({ status: 400, body: JSON.stringify({ error: { message: 'bad audio' } }) }));
    const l = line(new WhisperHttpRecognizer({ baseUrl: server.baseUrl }), [20, 40]);
    l.speak(turnAudio(300));
    await l.turns.settled();
    expect(l.failures.map((e) => [e.code, e.retryable])).toEqual([['bad-request', false]]);
    expect(server.requests).toHaveLength(1);
    expect(l.turns.stats.retries).toBe(0);
  });
});
