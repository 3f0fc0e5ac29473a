import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { AudioFrame } from '../../media/frame';
import { StreamingResampler } from '../../media/resampler';
import { defaultSileroModelPath, VadError } from '../../media/vad/silero-vad';
import type { VoiceActivityDetector } from '../../media/vad/voice-activity-detector';

const MODEL_RATE_HZ = 16000;
const WINDOW = 512;
const STATE = 128; // [2, 1, 64] per stream

interface Pending {
  readonly window: Float32Array;
  readonly h: Float32Array;
  readonly c: Float32Array;
  readonly resolve: (out: { p: number; h: Float32Array; c: Float32Array }) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Silero VAD for many calls at once: every call's 32 ms window that is ready in the same turn of the
 * event loop goes into ONE batched inference ([N, 512] input, [2, N, 64] state). onnxruntime-node
 * runs inference on the main thread, and its per-call overhead dominates a 512-sample window, so
 * batching is what lets one process carry hundreds of calls. Same model, same per-call LSTM state and
 * the same probabilities as media/vad/silero-vad.ts (which runs one stream per inference).
 */
export class BatchedSileroVad {
  private pending: Pending[] = [];
  private scheduled = false;
  private readonly sr = new Tensor('int64', BigInt64Array.from([BigInt(MODEL_RATE_HZ)]), []);
  batches = 0;
  windows = 0;

  private constructor(
    private readonly session: InferenceSession,
    private readonly maxBatch: number,
  ) {}

  static async load(options: { modelPath?: string; maxBatch?: number; intraOpNumThreads?: number } = {}): Promise<BatchedSileroVad> {
    const path = options.modelPath ?? defaultSileroModelPath();
    try {
      const session = await InferenceSession.create(path, { intraOpNumThreads: options.intraOpNumThreads ?? 1, interOpNumThreads: 1 });
      return new BatchedSileroVad(session, options.maxBatch ?? 256);
    } catch (error) {
      throw new VadError(`cannot load Silero VAD model from ${path}`, { cause: error });
    }
  }

  createDetector(): VoiceActivityDetector {
    return new BatchedDetector((window, h, c) => this.enqueue(window, h, c));
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  private enqueue(window: Float32Array, h: Float32Array, c: Float32Array): Promise<{ p: number; h: Float32Array; c: Float32Array }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ window, h, c, resolve, reject });
      if (this.pending.length >= this.maxBatch) void this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const n = batch.length;
    const input = new Float32Array(n * WINDOW);
    const h = new Float32Array(2 * n * 64);
    const c = new Float32Array(2 * n * 64);
    batch.forEach((item, i) => {
      input.set(item.window, i * WINDOW);
      // State layout [2, N, 64]: layer l of stream i sits at (l * N + i) * 64.
      for (let layer = 0; layer < 2; layer++) {
        h.set(item.h.subarray(layer * 64, layer * 64 + 64), (layer * n + i) * 64);
        c.set(item.c.subarray(layer * 64, layer * 64 + 64), (layer * n + i) * 64);
      }
    });
    try {
      const out = await this.session.run({
        input: new Tensor('float32', input, [n, WINDOW]),
        sr: this.sr,
        h: new Tensor('float32', h, [2, n, 64]),
        c: new Tensor('float32', c, [2, n, 64]),
      });
      this.batches++;
      this.windows += n;
      const p = out.output?.data as Float32Array;
      const hn = out.hn?.data as Float32Array;
      const cn = out.cn?.data as Float32Array;
      batch.forEach((item, i) => {
        const nh = new Float32Array(STATE);
        const nc = new Float32Array(STATE);
        for (let layer = 0; layer < 2; layer++) {
          nh.set(hn.subarray((layer * n + i) * 64, (layer * n + i) * 64 + 64), layer * 64);
          nc.set(cn.subarray((layer * n + i) * 64, (layer * n + i) * 64 + 64), layer * 64);
        }
        item.resolve({ p: p[i] ?? 0, h: nh, c: nc });
      });
    } catch (error) {
      const failure = new VadError('Silero VAD inference failed', { cause: error });
      for (const item of batch) item.reject(failure);
    }
  }
}

class BatchedDetector implements VoiceActivityDetector {
  private h: Float32Array = new Float32Array(STATE);
  private c: Float32Array = new Float32Array(STATE);
  private window = new Float32Array(WINDOW);
  private filled = 0;
  private probability = 0;
  private resampler: StreamingResampler | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly infer: (window: Float32Array, h: Float32Array, c: Float32Array) => Promise<{ p: number; h: Float32Array; c: Float32Array }>) {}

  process(frame: AudioFrame): Promise<number> {
    const run = this.queue.then(() => this.processNow(frame));
    this.queue = run.catch(() => undefined);
    return run;
  }

  reset(): void {
    this.h = new Float32Array(STATE);
    this.c = new Float32Array(STATE);
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
