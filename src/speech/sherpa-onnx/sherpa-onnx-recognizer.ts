import type { OfflineRecognizer, OfflineRecognizerConfig } from 'sherpa-onnx-node';
import type { Lang } from '../../domain/lang';
import { isWhisperSilencePhrase } from '../silence-phrases';
import { BufferedRecognizerStream, type UtteranceRequest } from '../buffered-stream';
import { checkStartOptions, samplesToMs } from '../recognizer-input';
import { RecognizerError, type Hypothesis, type Recognizer, type RecognizerStartOptions, type RecognizerStream } from '../recognizer';
import { findModelFiles, type ModelFiles } from './model-files';

/** What we need from the native addon; injectable so the glue is testable without a model. */
export interface SherpaEngine {
  readonly OfflineRecognizer: { createAsync(config: OfflineRecognizerConfig): Promise<OfflineRecognizer> };
}

export interface SherpaOnnxOptions {
  /** Folder holding a SenseVoice or Whisper sherpa-onnx export (see scripts/download-model.sh). */
  readonly modelDir: string;
  /** Default 2: decoding runs off the event loop, but on the same CPUs as everything else. */
  readonly numThreads?: number;
  readonly loadEngine?: () => Promise<SherpaEngine>;
}

async function loadSherpaOnnxNode(): Promise<SherpaEngine> {
  const mod = (await import('sherpa-onnx-node')) as unknown as SherpaEngine & { default?: SherpaEngine };
  return mod.default ?? mod; // CommonJS module: ESM import puts exports on `default`
}

/**
 * Offline, on-machine recognition with sherpa-onnx (prebuilt N-API addon from npm, nothing
 * downloaded at install). Models are not streaming: each utterance is decoded at end().
 * The model is loaded on first use, once per language, and kept.
 */
export class SherpaOnnxRecognizer implements Recognizer {
  private readonly loaded = new Map<Lang, Promise<OfflineRecognizer>>();

  constructor(private readonly options: SherpaOnnxOptions) {
    if (!options.modelDir) throw new RecognizerError('bad-config', 'the local recognizer needs a modelDir');
  }

  start(opts: RecognizerStartOptions): RecognizerStream {
    checkStartOptions(opts);
    return new BufferedRecognizerStream(opts, (request) => this.transcribe(request));
  }

  /** Loads the model for `lang` now, so a missing or broken model fails at boot, not on the first call. */
  async ready(lang: Lang): Promise<void> {
    await this.recognizerFor(lang);
  }

  private recognizerFor(lang: Lang): Promise<OfflineRecognizer> {
    let recognizer = this.loaded.get(lang);
    if (!recognizer) {
      recognizer = this.load(lang);
      this.loaded.set(lang, recognizer);
      // A failed load is not cached: the user may download the model and try again.
      void recognizer.catch(() => this.loaded.delete(lang));
    }
    return recognizer;
  }

  private async load(lang: Lang): Promise<OfflineRecognizer> {
    const files = findModelFiles(this.options.modelDir);
    let engine: SherpaEngine;
    try {
      engine = await (this.options.loadEngine ?? loadSherpaOnnxNode)();
    } catch (cause) {
      throw new RecognizerError('engine-failed', 'the sherpa-onnx-node native addon could not be loaded', { cause });
    }
    try {
      return await engine.OfflineRecognizer.createAsync(engineConfig(files, lang, this.options.numThreads ?? 2));
    } catch (cause) {
      throw new RecognizerError('engine-failed', `sherpa-onnx could not load the model in ${this.options.modelDir}`, { cause });
    }
  }

  private async transcribe(request: UtteranceRequest): Promise<Hypothesis[]> {
    const recognizer = await this.recognizerFor(request.opts.lang);
    const stream = recognizer.createStream();
    // sherpa-onnx wants floats in [-1, 1]; it resamples to the model's rate itself.
    const samples = new Float32Array(request.samples.length);
    for (let i = 0; i < samples.length; i += 1) samples[i] = (request.samples[i] ?? 0) / 32768;
    stream.acceptWaveform({ samples, sampleRate: request.sampleRateHz });
    let result;
    try {
      result = await recognizer.decodeAsync(stream);
    } catch (cause) {
      throw new RecognizerError('engine-failed', 'sherpa-onnx failed to decode the utterance', { cause });
    }
    const text = typeof result.text === 'string' ? result.text.trim() : '';
    // Whisper models invent sign-offs in silence (issue 9); a result that is only one of them is no speech.
    if (text === '' || isWhisperSilencePhrase(text, request.opts.lang)) return [];
    const endMs = samplesToMs(request.samples.length, request.sampleRateHz);
    const firstTokenSec = result.timestamps?.[0];
    const startMs = typeof firstTokenSec === 'number' && firstTokenSec >= 0 ? Math.round(firstTokenSec * 1000) : 0;
    return [{ text, isFinal: true, startMs: Math.min(startMs, endMs), endMs }];
  }
}

function engineConfig(files: ModelFiles, lang: Lang, numThreads: number): OfflineRecognizerConfig {
  const common = { tokens: files.tokens, numThreads, debug: 0, provider: 'cpu' };
  if (files.kind === 'sense-voice') {
    return {
      featConfig: { sampleRate: 16000, featureDim: 80 },
      // Inverse text normalisation writes numbers as digits, which the code read-back wants.
      modelConfig: { ...common, senseVoice: { model: files.model, language: lang, useInverseTextNormalization: 1 } },
    };
  }
  return {
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: { ...common, whisper: { encoder: files.encoder, decoder: files.decoder, language: lang, task: 'transcribe' } },
  };
}
