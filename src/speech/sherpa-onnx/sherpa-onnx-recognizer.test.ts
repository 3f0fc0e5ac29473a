import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OfflineRecognizerConfig, OfflineRecognizerResult } from 'sherpa-onnx-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectHypotheses, recognizerConformance } from '../recognizer.conformance';
import { RecognizerError } from '../recognizer';
import { openJtalkFrames, toneFrames } from '../recognizer-test-audio';
import { findModelFiles } from './model-files';
import { SherpaOnnxRecognizer, type SherpaEngine } from './sherpa-onnx-recognizer';

const RATE = 16000;

/** Stands in for the native addon: records configs and "recognises" the sample count. */
function fakeEngine(result?: (samples: Float32Array) => OfflineRecognizerResult) {
  const configs: OfflineRecognizerConfig[] = [];
  const received: Float32Array[] = [];
  const engine: SherpaEngine = {
    OfflineRecognizer: {
      createAsync: async (config) => {
        configs.push(config);
        let samples: Float32Array = new Float32Array(0);
        return {
          createStream: () => ({
            acceptWaveform: (w: { samples: Float32Array; sampleRate: number }) => {
              samples = w.samples;
              received.push(w.samples);
            },
          }),
          decodeAsync: async () => (result ? result(samples) : { text: ` ${samples.length} samples ` }),
        } as never;
      },
    },
  };
  return { engine, configs, received };
}

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'aizuchi-sherpa-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const dirs: string[] = [];
function trackedDir(files?: Record<string, string>): string {
  const dir = tempDir(files);
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

recognizerConformance(
  'sherpa-onnx (glue, with a stand-in for the native addon)',
  () => {
    const modelDir = trackedDir({ 'model.int8.onnx': 'x', 'tokens.txt': 'x' });
    const { engine } = fakeEngine();
    return {
      recognizer: new SherpaOnnxRecognizer({ modelDir, loadEngine: async () => engine }),
      lang: 'ja',
      sampleRateHz: RATE,
      utterance: toneFrames(500, RATE),
      expectedText: '8000 samples',
      failures: [
        {
          name: 'model not downloaded',
          recognizer: new SherpaOnnxRecognizer({ modelDir: join(trackedDir(), 'absent') }),
          code: 'model-missing',
          retryable: false,
        },
        {
          // The real native addon, fed files that are not a model: it must fail cleanly.
          name: 'broken model files (real addon)',
          recognizer: new SherpaOnnxRecognizer({
            modelDir: trackedDir({ 'model.int8.onnx': 'not onnx', 'tokens.txt': 'a 0\n' }),
          }),
          code: 'engine-failed',
          retryable: false,
        },
      ],
    };
  },
  { failureNames: ['model not downloaded', 'broken model files (real addon)'] },
);

describe('SherpaOnnxRecognizer', () => {
  let modelDir: string;
  beforeEach(() => {
    modelDir = trackedDir({ 'model.int8.onnx': 'x', 'tokens.txt': 'x' });
  });

  async function recognise(recognizer: SherpaOnnxRecognizer, lang: 'ja' | 'en', samples: number[]) {
    const stream = recognizer.start({ lang, sampleRateHz: 8000 });
    const frame = new Int16Array(160);
    frame.set(samples);
    stream.write({ samples: frame, sampleRateHz: 8000 });
    stream.end();
    return collectHypotheses(stream.results);
  }

  it('configures SenseVoice for the stream language and feeds it floats in [-1, 1]', async () => {
    const { engine, configs, received } = fakeEngine(() => ({ text: 'もしもし', timestamps: [0.005, 0.01] }));
    const recognizer = new SherpaOnnxRecognizer({ modelDir, numThreads: 3, loadEngine: async () => engine });
    expect(await recognise(recognizer, 'ja', [16384, -32768, 32767])).toEqual([{ text: 'もしもし', isFinal: true, startMs: 5, endMs: 20 }]);
    expect(configs[0]?.modelConfig).toMatchObject({
      senseVoice: { model: join(modelDir, 'model.int8.onnx'), language: 'ja', useInverseTextNormalization: 1 },
      tokens: join(modelDir, 'tokens.txt'),
      numThreads: 3,
    });
    expect(Array.from(received[0]?.slice(0, 3) ?? [])).toEqual([0.5, -1, 32767 / 32768]);
  });

  it('loads the model once per language and reuses it', async () => {
    const { engine, configs } = fakeEngine();
    const recognizer = new SherpaOnnxRecognizer({ modelDir, loadEngine: async () => engine });
    await recognise(recognizer, 'ja', [1]);
    await recognise(recognizer, 'ja', [1]);
    await recognise(recognizer, 'en', [1]);
    expect(configs.map((c) => c.modelConfig?.senseVoice?.language)).toEqual(['ja', 'en']);
  });

  it('yields nothing when the model hears nothing', async () => {
    const { engine } = fakeEngine(() => ({ text: '  ' }));
    const recognizer = new SherpaOnnxRecognizer({ modelDir, loadEngine: async () => engine });
    expect(await recognise(recognizer, 'en', [0])).toEqual([]);
  });

  it('tells the user how to get the model when it is absent, and recovers once it appears', async () => {
    const emptyDir = trackedDir();
    const { engine } = fakeEngine();
    const recognizer = new SherpaOnnxRecognizer({ modelDir: emptyDir, loadEngine: async () => engine });
    const error = await recognizer.ready('ja').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecognizerError);
    expect(error).toMatchObject({ code: 'model-missing', retryable: false });
    expect((error as Error).message).toMatch(/scripts\/download-model\.sh/);

    writeFileSync(join(emptyDir, 'model.onnx'), 'x');
    writeFileSync(join(emptyDir, 'tokens.txt'), 'x');
    await expect(recognizer.ready('ja')).resolves.toBeUndefined();
  });

  it('reports a native addon that cannot load as engine-failed', async () => {
    const recognizer = new SherpaOnnxRecognizer({
      modelDir,
      loadEngine: async () => {
        throw new Error('libonnxruntime.so: cannot open shared object file');
      },
    });
    await expect(recognizer.ready('ja')).rejects.toMatchObject({ code: 'engine-failed', retryable: false });
  });

  it('loads the real native addon and reports a corrupt model file as engine-failed', async () => {
    const broken = trackedDir({ 'model.int8.onnx': 'not onnx', 'tokens.txt': 'a 0\n' });
    const error = await new SherpaOnnxRecognizer({ modelDir: broken }).ready('ja').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'engine-failed', retryable: false });
    // The addon itself loaded: the failure is about the model, not the shared library.
    expect((error as Error).message).toMatch(/could not load the model/);
  });

  it('refuses an empty modelDir', () => {
    expect(() => new SherpaOnnxRecognizer({ modelDir: '' })).toThrow(RecognizerError);
  });
});

describe('findModelFiles', () => {
  it('finds a SenseVoice export, preferring the int8 model', () => {
    const dir = trackedDir({ 'model.onnx': '', 'model.int8.onnx': '', 'tokens.txt': '' });
    expect(findModelFiles(dir)).toEqual({
      kind: 'sense-voice',
      model: join(dir, 'model.int8.onnx'),
      tokens: join(dir, 'tokens.txt'),
    });
  });

  it('finds a Whisper export by its prefixed file names', () => {
    const dir = trackedDir({
      'small-encoder.int8.onnx': '',
      'small-decoder.int8.onnx': '',
      'small-decoder.onnx': '',
      'small-tokens.txt': '',
    });
    expect(findModelFiles(dir)).toEqual({
      kind: 'whisper',
      encoder: join(dir, 'small-encoder.int8.onnx'),
      decoder: join(dir, 'small-decoder.int8.onnx'),
      tokens: join(dir, 'small-tokens.txt'),
    });
  });

  it('says which files it expected when the folder holds something else', () => {
    const dir = trackedDir({ 'README.md': '' });
    expect(() => findModelFiles(dir)).toThrow(/model\.int8\.onnx \+ tokens\.txt/);
  });
});

// The real model is ~230 MB and cannot be fetched here; with it on disk this runs for real.
const MODEL_DIR = resolve(process.env.AIZUCHI_LOCAL_MODEL_DIR ?? 'data/models/sherpa-onnx-sense-voice-zh-en-ja-ko-yue-2024-07-17');
describe('SherpaOnnxRecognizer with the downloaded model (live)', () => {
  it.runIf(existsSync(MODEL_DIR))('transcribes synthesized Japanese speech', async () => {
    const recognizer = new SherpaOnnxRecognizer({ modelDir: MODEL_DIR });
    const stream = recognizer.start({ lang: 'ja', sampleRateHz: RATE });
    for (const frame of await openJtalkFrames('こんにちは', RATE)) stream.write(frame);
    stream.end();
    const hypotheses = await collectHypotheses(stream.results);
    expect(hypotheses.map((h) => h.text).join('')).toMatch(/こんにち/);
  });
});
