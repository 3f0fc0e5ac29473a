import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectHypotheses, recognizerConformance } from '../recognizer.conformance';
import { RecognizerError } from '../recognizer';
import { openJtalkFrames, toneFrames } from '../recognizer-test-audio';
import { startTranscriptionServer, type TranscriptionServer } from './openai-transcription-server';
import { WhisperHttpRecognizer } from './whisper-http-recognizer';
import { encodeWav, parseWav } from '../../media/wav';

const RATE = 16000;
const KEY = 'sk-test-key';

recognizerConformance(
  'whisper-http',
  async () => {
    const server = await startTranscriptionServer((request) =>
      request.authorization === `Bearer ${KEY}`
        ? { status: 200, body: JSON.stringify({ text: ` ${request.samples.length} samples ` }) }
        : { status: 401, body: JSON.stringify({ error: { message: 'Incorrect API key provided' } }) },
    );
    const outage = await startTranscriptionServer(() => ({ status: 503, body: 'overloaded' }));
    return {
      recognizer: new WhisperHttpRecognizer({ baseUrl: server.baseUrl, apiKey: KEY }),
      lang: 'ja',
      sampleRateHz: RATE,
      utterance: toneFrames(500, RATE),
      expectedText: '8000 samples', // the server echoes what it decoded from the WAV
      failures: [
        {
          name: 'wrong key',
          recognizer: new WhisperHttpRecognizer({ baseUrl: server.baseUrl, apiKey: 'wrong' }),
          code: 'auth',
          retryable: false,
        },
        {
          name: 'server overloaded',
          recognizer: new WhisperHttpRecognizer({ baseUrl: outage.baseUrl }),
          code: 'unavailable',
          retryable: true,
        },
      ],
      teardown: async () => {
        await server.close();
        await outage.close();
      },
    };
  },
  { failureNames: ['wrong key', 'server overloaded'] },
);

async function transcribeOnce(recognizer: WhisperHttpRecognizer, hints?: string[]) {
  const stream = recognizer.start({ lang: 'ja', sampleRateHz: RATE, ...(hints ? { hints } : {}) });
  for (const frame of toneFrames(300, RATE)) stream.write(frame);
  stream.end();
  return collectHypotheses(stream.results);
}

describe('WhisperHttpRecognizer on the wire', () => {
  let server: TranscriptionServer;
  let reply: { status: number; body: string };

  beforeEach(async () => {
    reply = { status: 200, body: JSON.stringify({ text: 'えーびーしー' }) };
    server = await startTranscriptionServer(() => reply);
  });
  afterEach(async () => server.close());

  it('posts the utterance as a 16-bit mono WAV with model, language, format and hint prompt', async () => {
    const recognizer = new WhisperHttpRecognizer({ baseUrl: server.baseUrl, apiKey: KEY, model: 'large-v3' });
    const hypotheses = await transcribeOnce(recognizer, ['example.com', 'ドット']);
    expect(hypotheses).toEqual([{ text: 'えーびーしー', isFinal: true, startMs: 0, endMs: 300 }]);
    const [request] = server.requests;
    expect(request).toMatchObject({
      authorization: `Bearer ${KEY}`,
      model: 'large-v3',
      language: 'ja',
      responseFormat: 'json',
      prompt: 'example.com、ドット',
      fileName: 'utterance.wav',
      fileType: 'audio/wav',
      sampleRateHz: RATE,
    });
    const sent = toneFrames(300, RATE).flatMap((f) => Array.from(f.samples));
    expect(Array.from(request?.samples ?? [])).toEqual(sent);
  });

  it('sends no Authorization header when no key is configured (local servers)', async () => {
    await transcribeOnce(new WhisperHttpRecognizer({ baseUrl: `${server.baseUrl}/` }));
    expect(server.requests[0]?.authorization).toBeUndefined();
  });

  it('takes speech times from verbose_json segments', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({
        text: 'hello there',
        segments: [
          { start: 0.12, end: 0.2, text: 'hello' },
          { start: 0.2, end: 0.28, text: ' there' },
        ],
      }),
    };
    const recognizer = new WhisperHttpRecognizer({ baseUrl: server.baseUrl, responseFormat: 'verbose_json' });
    expect(await transcribeOnce(recognizer)).toEqual([{ text: 'hello there', isFinal: true, startMs: 120, endMs: 280 }]);
    expect(server.requests[0]?.responseFormat).toBe('verbose_json');
  });

  it('yields nothing for an empty transcript', async () => {
    reply = { status: 200, body: JSON.stringify({ text: '  ' }) };
    expect(await transcribeOnce(new WhisperHttpRecognizer({ baseUrl: server.baseUrl }))).toEqual([]);
  });

  it('drops a transcript that is only a known silence phrase, keeps one with content (issue 9)', async () => {
    reply = { status: 200, body: JSON.stringify({ text: ' ご視聴ありがとうございました。' }) };
    expect(await transcribeOnce(new WhisperHttpRecognizer({ baseUrl: server.baseUrl }))).toEqual([]);
    reply = { status: 200, body: JSON.stringify({ text: 'エム、エー' }) };
    expect(await transcribeOnce(new WhisperHttpRecognizer({ baseUrl: server.baseUrl }))).toMatchObject([{ text: 'エム、エー' }]);
  });

  it.each([
    [400, '{"error":{"message":"bad audio"}}', 'bad-request', false],
    [404, '{}', 'bad-config', false],
    [429, '{"error":{"message":"slow down","code":"rate_limit_exceeded"}}', 'rate-limited', true],
    [429, '{"error":{"message":"no credit","code":"insufficient_quota"}}', 'auth', false],
    [500, 'oops', 'unavailable', true],
    [200, 'not json', 'protocol', false],
    [200, '{"transcript":"x"}', 'protocol', false],
  ] as const)('classifies HTTP %i %s as %s (retryable %s)', async (status, body, code, retryable) => {
    reply = { status, body };
    const error = await transcribeOnce(new WhisperHttpRecognizer({ baseUrl: server.baseUrl })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecognizerError);
    expect(error).toMatchObject({ code, retryable });
  });

  it('classifies a refused connection as a retryable network error', async () => {
    const closed = await startTranscriptionServer(() => reply);
    const baseUrl = closed.baseUrl;
    await closed.close();
    const error = await transcribeOnce(new WhisperHttpRecognizer({ baseUrl })).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RecognizerError', code: 'network', retryable: true });
  });

  it('classifies a slow server as a retryable timeout', async () => {
    const slow = await startTranscriptionServer(
      () => new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: '{"text":"late"}' }), 2000)),
    );
    try {
      const recognizer = new WhisperHttpRecognizer({ baseUrl: slow.baseUrl, requestTimeoutMs: 50 });
      const error = await transcribeOnce(recognizer).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'timeout', retryable: true });
    } finally {
      await slow.close();
    }
  });

  it('cancels the request in flight when aborted after end()', async () => {
    let sawRequest!: () => void;
    const requested = new Promise<void>((resolve) => (sawRequest = resolve));
    const slow = await startTranscriptionServer(() => {
      sawRequest();
      return new Promise((resolve) => setTimeout(() => resolve({ status: 200, body: '{"text":"late"}' }), 2000));
    });
    try {
      const controller = new AbortController();
      const stream = new WhisperHttpRecognizer({ baseUrl: slow.baseUrl }).start({
        lang: 'en',
        sampleRateHz: RATE,
        signal: controller.signal,
      });
      for (const frame of toneFrames(100, RATE)) stream.write(frame);
      stream.end();
      const collecting = collectHypotheses(stream.results);
      await requested;
      controller.abort();
      expect(await collecting).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => new WhisperHttpRecognizer({ baseUrl: 'ftp://example' })).toThrow(RecognizerError);
    expect(() => new WhisperHttpRecognizer({ baseUrl: 'not a url' })).toThrow(/valid URL/);
  });
});

describe('encodeWav (the upload format)', () => {
  it('writes a mono header a WAV reader accepts and keeps every sample', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const decoded = parseWav(encodeWav({ sampleRateHz: 8000, channels: [samples] }));
    expect(decoded.sampleRateHz).toBe(8000);
    expect(decoded.channels).toHaveLength(1);
    expect(Array.from(decoded.channels[0] ?? [])).toEqual(Array.from(samples));
  });
});

const OPENAI_API_KEY = process.env.OPENAI_API_KEY;
describe('WhisperHttpRecognizer against OpenAI (live)', () => {
  it.runIf(Boolean(OPENAI_API_KEY))('transcribes synthesized Japanese speech', async () => {
    const recognizer = new WhisperHttpRecognizer({ baseUrl: 'https://api.openai.com', apiKey: OPENAI_API_KEY ?? '' });
    const stream = recognizer.start({ lang: 'ja', sampleRateHz: RATE });
    for (const frame of await openJtalkFrames('こんにちは', RATE)) stream.write(frame);
    stream.end();
    const hypotheses = await collectHypotheses(stream.results);
    expect(hypotheses.map((h) => h.text).join('')).toMatch(/こんにち/);
  });
});
