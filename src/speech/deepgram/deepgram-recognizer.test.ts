import { afterEach, describe, expect, it } from 'vitest';
import { collectHypotheses, recognizerConformance } from '../recognizer.conformance';
import { RecognizerError } from '../recognizer';
import { openJtalkFrames, toneFrames } from '../recognizer-test-audio';
import { DeepgramRecognizer, type DeepgramOptions } from './deepgram-recognizer';
import { resultsMessage, startLiveServer, type LiveScript, type LiveServer } from './deepgram-live-server';

const RATE = 16000;
const KEY = 'dg-test-key';

/** Interim after the first audio, final on CloseStream naming how much audio arrived. */
const echoScript: LiveScript = {
  onAudio: (s) => (s.audioMessages === 1 ? [resultsMessage({ transcript: 'え', isFinal: false, startSec: 0, durationSec: 0.02 })] : []),
  onCloseStream: (s) =>
    s.audioBytes === 0
      ? [resultsMessage({ transcript: '', isFinal: true, startSec: 0, durationSec: 0 })]
      : [
          resultsMessage({
            transcript: `${s.audioBytes} bytes`,
            isFinal: true,
            speechFinal: true,
            startSec: 0,
            durationSec: s.audioBytes / 2 / RATE,
          }),
        ],
};

recognizerConformance(
  'deepgram',
  async () => {
    const server = await startLiveServer(KEY, echoScript);
    const flaky = await startLiveServer(KEY, { closeAfterBytes: { bytes: 3200, code: 1011, reason: 'NET-0000' } });
    return {
      recognizer: new DeepgramRecognizer({ apiKey: KEY, baseUrl: server.baseUrl }),
      lang: 'ja',
      sampleRateHz: RATE,
      utterance: toneFrames(500, RATE),
      expectedText: '16000 bytes',
      failures: [
        {
          name: 'wrong key',
          recognizer: new DeepgramRecognizer({ apiKey: 'nope', baseUrl: server.baseUrl }),
          code: 'auth',
          retryable: false,
        },
        {
          name: 'server error mid-stream',
          recognizer: new DeepgramRecognizer({ apiKey: KEY, baseUrl: flaky.baseUrl }),
          code: 'unavailable',
          retryable: true,
        },
      ],
      teardown: async () => {
        await server.close();
        await flaky.close();
      },
    };
  },
  { failureNames: ['wrong key', 'server error mid-stream'] },
);

describe('DeepgramRecognizer on the wire', () => {
  let server: LiveServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function run(script: LiveScript, options: Partial<DeepgramOptions> = {}, audioMs = 200, hints?: string[]) {
    server = await startLiveServer(KEY, script);
    const recognizer = new DeepgramRecognizer({ apiKey: KEY, baseUrl: server.baseUrl, ...options });
    const stream = recognizer.start({ lang: 'ja', sampleRateHz: RATE, ...(hints ? { hints } : {}) });
    for (const frame of toneFrames(audioMs, RATE)) stream.write(frame);
    stream.end();
    return collectHypotheses(stream.results);
  }

  it('opens /v1/listen with the documented query parameters, sending hints as keyterms', async () => {
    await run(echoScript, {}, 100, ['example.com', 'ドット']);
    const query = server?.sessions[0]?.query;
    expect(Object.fromEntries(query ?? [])).toMatchObject({
      model: 'nova-3',
      language: 'ja',
      encoding: 'linear16',
      sample_rate: '16000',
      channels: '1',
      interim_results: 'true',
      endpointing: '300',
    });
    expect(query?.getAll('keyterm')).toEqual(['example.com', 'ドット']);
  });

  it('uses keywords for older models and passes endpointing through', async () => {
    await run(echoScript, { model: 'nova-2', endpointingMs: false }, 100, ['example.com']);
    const query = server?.sessions[0]?.query;
    expect(query?.get('model')).toBe('nova-2');
    expect(query?.get('endpointing')).toBe('false');
    expect(query?.getAll('keywords')).toEqual(['example.com']);
  });

  it('streams every sample as binary linear16 and finishes with CloseStream', async () => {
    const hypotheses = await run(echoScript, {}, 300);
    const session = server?.sessions[0];
    expect(session?.audioBytes).toBe(300 * 16 * 2);
    expect(session?.closeStreamReceived).toBe(true);
    expect(session?.textMessages.map((t) => JSON.parse(t) as unknown)).toEqual([{ type: 'CloseStream' }]);
    expect(hypotheses).toEqual([
      { text: 'え', isFinal: false, confidence: 0.9, startMs: 0, endMs: 20 },
      { text: '9600 bytes', isFinal: true, confidence: 0.9, startMs: 0, endMs: 300, endOfSpeech: true },
    ]);
  });

  it('finalize sends Finalize (queued until the socket opens) and keeps the stream open for more turns', async () => {
    server = await startLiveServer(KEY, {
      onFinalize: (s) => [resultsMessage({ transcript: `${s.audioBytes} bytes`, isFinal: true, startSec: 0, durationSec: 0.1 })],
      onCloseStream: () => [],
    });
    const stream = new DeepgramRecognizer({ apiKey: KEY, baseUrl: server.baseUrl }).start({ lang: 'ja', sampleRateHz: RATE });
    const finals: string[] = [];
    const collecting = (async () => {
      for await (const h of stream.results) if (h.isFinal) finals.push(h.text);
    })();
    for (const frame of toneFrames(100, RATE)) stream.write(frame);
    stream.finalize?.(); // before the socket is open: sent after the audio waiting for it
    await expect.poll(() => finals).toEqual(['3200 bytes']);
    for (const frame of toneFrames(100, RATE)) stream.write(frame);
    stream.finalize?.();
    await expect.poll(() => finals).toEqual(['3200 bytes', '6400 bytes']);
    stream.end();
    await collecting;
    const sent = server.sessions[0]?.textMessages.map((t) => (JSON.parse(t) as { type: string }).type);
    expect(sent).toEqual(['Finalize', 'Finalize', 'CloseStream']);
    expect(server.sessions).toHaveLength(1);
  });

  it('maps Deepgram start/duration seconds to audio milliseconds and skips empty results', async () => {
    const hypotheses = await run({
      onCloseStream: () => [
        resultsMessage({ transcript: '', isFinal: true, startSec: 0, durationSec: 1 }),
        resultsMessage({ transcript: 'エー', isFinal: true, startSec: 1.25, durationSec: 0.5, confidence: 0.75 }),
        resultsMessage({ transcript: 'ビー', isFinal: true, speechFinal: true, startSec: 1.75, durationSec: 0.25 }),
      ],
    });
    expect(hypotheses).toEqual([
      { text: 'エー', isFinal: true, confidence: 0.75, startMs: 1250, endMs: 1750 },
      { text: 'ビー', isFinal: true, confidence: 0.9, startMs: 1750, endMs: 2000, endOfSpeech: true },
    ]);
  });

  it('sends a KeepAlive text frame when audio pauses', async () => {
    server = await startLiveServer(KEY, echoScript);
    const stream = new DeepgramRecognizer({ apiKey: KEY, baseUrl: server.baseUrl, keepAliveIntervalMs: 30 }).start({
      lang: 'en',
      sampleRateHz: RATE,
    });
    const collecting = collectHypotheses(stream.results);
    stream.write(toneFrames(20, RATE)[0]!);
    await new Promise((resolve) => setTimeout(resolve, 200));
    stream.end();
    await collecting;
    expect(server.sessions[0]?.keepAlives).toBeGreaterThan(0);
  });

  it('sends no KeepAlive while audio keeps flowing', async () => {
    server = await startLiveServer(KEY, echoScript);
    const frozen = { now: () => new Date(0) }; // audio was "just sent" at every tick
    const stream = new DeepgramRecognizer({
      apiKey: KEY,
      baseUrl: server.baseUrl,
      keepAliveIntervalMs: 20,
      clock: frozen,
    }).start({ lang: 'en', sampleRateHz: RATE });
    const collecting = collectHypotheses(stream.results);
    stream.write(toneFrames(20, RATE)[0]!);
    await new Promise((resolve) => setTimeout(resolve, 150));
    stream.end();
    await collecting;
    expect(server.sessions[0]?.keepAlives).toBe(0);
  });

  it('closes the socket when the caller aborts', async () => {
    server = await startLiveServer(KEY, echoScript);
    const controller = new AbortController();
    const stream = new DeepgramRecognizer({ apiKey: KEY, baseUrl: server.baseUrl }).start({
      lang: 'ja',
      sampleRateHz: RATE,
      signal: controller.signal,
    });
    const collecting = collectHypotheses(stream.results);
    stream.write(toneFrames(20, RATE)[0]!);
    await expect.poll(() => server?.sessions[0]?.audioBytes).toBe(640);
    controller.abort();
    // The interim sent after the first frame may already be read; nothing final can follow.
    expect((await collecting).filter((h) => h.isFinal)).toEqual([]);
    await expect.poll(() => server?.openSockets()).toBe(0);
    expect(server.sessions[0]?.closeStreamReceived).toBe(false);
  });

  it.each([
    [1008, 'DATA-0000', 'bad-request', false],
    [1011, 'NET-0001', 'unavailable', true],
    [4000, 'odd', 'network', true],
  ] as const)('classifies a close %i %s as %s', async (code, reason, expected, retryable) => {
    const error = await run({ closeAfterBytes: { bytes: 1, code, reason } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecognizerError);
    expect(error).toMatchObject({ code: expected, retryable, status: code });
  });

  it('fails with a retryable timeout when the server never finishes after CloseStream', async () => {
    const error = await run({ ignoreCloseStream: true }, { closeTimeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('fails with protocol when the server sends garbage', async () => {
    const error = await run({ onAudio: () => [{ type: 'Results', channel: {} }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'protocol', retryable: false });
  });

  it('classifies a refused connection as a retryable network error', async () => {
    const closed = await startLiveServer(KEY, echoScript);
    const baseUrl = closed.baseUrl;
    await closed.close();
    const stream = new DeepgramRecognizer({ apiKey: KEY, baseUrl }).start({ lang: 'ja', sampleRateHz: RATE });
    stream.end();
    const error = await collectHypotheses(stream.results).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', retryable: true });
  });

  it('refuses bad configuration up front', () => {
    expect(() => new DeepgramRecognizer({ apiKey: '' })).toThrow(/API key/);
    expect(() => new DeepgramRecognizer({ apiKey: KEY, baseUrl: 'https://api.deepgram.com' })).toThrow(/ws/);
  });
});

const DEEPGRAM_API_KEY = process.env.DEEPGRAM_API_KEY;
describe('DeepgramRecognizer against Deepgram (live)', () => {
  it.runIf(Boolean(DEEPGRAM_API_KEY))('transcribes synthesized Japanese speech', async () => {
    const recognizer = new DeepgramRecognizer({ apiKey: DEEPGRAM_API_KEY ?? '' });
    const stream = recognizer.start({ lang: 'ja', sampleRateHz: RATE });
    const collecting = collectHypotheses(stream.results);
    for (const frame of await openJtalkFrames('こんにちは', RATE)) stream.write(frame);
    stream.end();
    const finals = (await collecting).filter((h) => h.isFinal);
    expect(finals.map((h) => h.text).join('')).toMatch(/こんにち/);
  });
});
