import { describe, expect, it } from 'vitest';
import { DeepgramRecognizer } from './deepgram/deepgram-recognizer';
import { collectHypotheses } from './recognizer.conformance';
import { RecognizerError, type RecognizerConfig } from './recognizer';
import { createRecognizer } from './recognizer-registry';
import { toneFrames } from './recognizer-test-audio';
import { SherpaOnnxRecognizer } from './sherpa-onnx/sherpa-onnx-recognizer';
import { startTranscriptionServer } from './whisper-http/openai-transcription-server';
import { WhisperHttpRecognizer } from './whisper-http/whisper-http-recognizer';

describe('createRecognizer', () => {
  it('builds the engine the config names', () => {
    expect(createRecognizer({ engine: 'none' })).toBeNull();
    expect(createRecognizer({ engine: 'whisper-http', apiKey: 'k' })).toBeInstanceOf(WhisperHttpRecognizer);
    expect(createRecognizer({ engine: 'deepgram', apiKey: 'k' })).toBeInstanceOf(DeepgramRecognizer);
    expect(createRecognizer({ engine: 'local' })).toBeInstanceOf(SherpaOnnxRecognizer);
  });

  it.each<[RecognizerConfig, RegExp]>([
    [{ engine: 'deepgram' }, /API key/],
    [{ engine: 'whisper-http' }, /baseUrl .* or an apiKey/],
    [{ engine: 'deepgram', apiKey: 'k', baseUrl: 'http://x' }, /ws/],
    [{ engine: 'toString' as never }, /unknown recognizer engine/],
  ])('refuses %j with a bad-config error', (config, message) => {
    let error: unknown;
    try {
      createRecognizer(config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RecognizerError);
    expect(error).toMatchObject({ code: 'bad-config', retryable: false });
    expect((error as Error).message).toMatch(message);
  });

  it('passes baseUrl, key and model through to the engine', async () => {
    const server = await startTranscriptionServer(() => ({ status: 200, body: '{"text":"ok"}' }));
    try {
      const recognizer = createRecognizer({ engine: 'whisper-http', baseUrl: server.baseUrl, apiKey: 'k', model: 'm' });
      const stream = recognizer!.start({ lang: 'en', sampleRateHz: 8000 });
      for (const frame of toneFrames(40, 8000)) stream.write(frame);
      stream.end();
      expect((await collectHypotheses(stream.results)).map((h) => h.text)).toEqual(['ok']);
      expect(server.requests[0]).toMatchObject({ authorization: 'Bearer k', model: 'm', language: 'en' });
    } finally {
      await server.close();
    }
  });
});
