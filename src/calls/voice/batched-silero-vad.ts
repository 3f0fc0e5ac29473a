import { Worker } from 'node:worker_threads';
import type { VoiceActivityDetector } from '../../media/vad/voice-activity-detector';
import { SileroWindowDetector, type SileroWindowResult, defaultSileroModelPath, VadError } from '../../media/vad/silero-vad';
import { STATE_WIDTH, WINDOW_SAMPLES, type BatchReply, type BatchRequest, type WorkerInit } from './silero-batch-protocol';

const STATE = 2 * STATE_WIDTH; // [2, 1, 64] per stream

type WindowResult = SileroWindowResult;

interface Pending {
  readonly window: Float32Array;
  readonly h: Float32Array;
  readonly c: Float32Array;
  readonly resolve: (out: WindowResult) => void;
  readonly reject: (error: unknown) => void;
}

export interface BatchedSileroOptions {
  readonly modelPath?: string;
  /** Most windows in one inference; more wait for the next batch. */
  readonly maxBatch?: number;
  /** Threads the worker's session uses; 1 leaves the other core to the event loop. */
  readonly intraOpNumThreads?: number;
}

/**
 * Silero VAD for many calls at once. Every call's 32 ms window that is ready in the same turn of the
 * event loop goes into ONE batched inference ([N, 512] input, [2, N, 64] state), because per-run
 * overhead dominates a 512-sample window. The inference runs in a worker thread: on the main thread it
 * blocked the event loop that paces 20 ms frames for every call. At most one batch is in flight; windows
 * arriving meanwhile form the next batch. Same model, same per-call state and the same probabilities
 * as media/vad/silero-vad.ts.
 */
export class BatchedSileroVad {
  private pending: Pending[] = [];
  private inFlight: Pending[] | null = null;
  private scheduled = false;
  private nextId = 0;
  private failure: VadError | null = null;
  batches = 0;
  windows = 0;

  private constructor(
    private readonly worker: Worker,
    private readonly maxBatch: number,
  ) {
    worker.on('message', (reply: BatchReply) => this.onReply(reply));
    worker.on('error', (error) => this.fail(new VadError('Silero VAD worker crashed', { cause: error })));
    worker.on('exit', () => this.fail(new VadError('Silero VAD worker has stopped')));
    worker.unref(); // referenced only while a batch is in flight, so a forgotten close() cannot hang the process
  }

  static async load(options: BatchedSileroOptions = {}): Promise<BatchedSileroVad> {
    const path = options.modelPath ?? defaultSileroModelPath();
    const init: WorkerInit = { modelPath: path, intraOpNumThreads: options.intraOpNumThreads ?? 1 };
    const worker = new Worker(new URL('./silero-batch-worker-entry.mjs', import.meta.url), { workerData: init });
    try {
      await new Promise<void>((resolve, reject) => {
        const onMessage = (reply: BatchReply) => {
          worker.off('error', reject);
          worker.off('exit', onExit);
          if (reply.type === 'ready') resolve();
          else reject(new Error(reply.type === 'loadFailed' ? reply.message : `unexpected ${reply.type}`));
        };
        const onExit = (code: number) => reject(new Error(`worker exited with code ${code}`));
        worker.once('message', onMessage);
        worker.once('error', reject);
        worker.once('exit', onExit);
      });
    } catch (error) {
      await worker.terminate();
      throw new VadError(`cannot load Silero VAD model from ${path}`, { cause: error });
    }
    return new BatchedSileroVad(worker, options.maxBatch ?? 256);
  }

  createDetector(): VoiceActivityDetector {
    return new SileroWindowDetector((window, h, c) => this.infer(window, h, c));
  }

  /** Stops the worker; windows still waiting are rejected with VadError. */
  async close(): Promise<void> {
    this.fail(new VadError('Silero VAD is closed'));
    await this.worker.terminate();
  }

  /** Same as close() (the name the single-stream model uses). */
  release(): Promise<void> {
    return this.close();
  }

  private infer(window: Float32Array, h: Float32Array, c: Float32Array): Promise<WindowResult> {
    return new Promise((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.pending.push({ window, h, c, resolve, reject });
      if (!this.inFlight && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.send()); // gather every window that becomes ready in this turn
      }
    });
  }

  private send(): void {
    this.scheduled = false;
    if (this.inFlight || this.failure || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.maxBatch);
    const n = batch.length;
    const input = new Float32Array(n * WINDOW_SAMPLES);
    const h = new Float32Array(2 * n * STATE_WIDTH);
    const c = new Float32Array(2 * n * STATE_WIDTH);
    batch.forEach((item, i) => {
      input.set(item.window, i * WINDOW_SAMPLES);
      // State layout [2, N, 64]: layer l of stream i sits at (l * N + i) * 64.
      for (let layer = 0; layer < 2; layer++) {
        h.set(item.h.subarray(layer * STATE_WIDTH, (layer + 1) * STATE_WIDTH), (layer * n + i) * STATE_WIDTH);
        c.set(item.c.subarray(layer * STATE_WIDTH, (layer + 1) * STATE_WIDTH), (layer * n + i) * STATE_WIDTH);
      }
    });
    this.inFlight = batch;
    this.worker.ref();
    const request: BatchRequest = { id: ++this.nextId, count: n, input, h, c };
    this.worker.postMessage(request, [input.buffer, h.buffer, c.buffer]);
  }

  private onReply(reply: BatchReply): void {
    const batch = this.inFlight;
    if (!batch || (reply.type !== 'result' && reply.type !== 'failed') || reply.id !== this.nextId) return;
    this.inFlight = null;
    this.worker.unref();
    if (reply.type === 'failed') {
      const error = new VadError('Silero VAD inference failed', { cause: new Error(reply.message) });
      for (const item of batch) item.reject(error);
    } else {
      const n = batch.length;
      this.batches++;
      this.windows += n;
      batch.forEach((item, i) => {
        const nh = new Float32Array(STATE);
        const nc = new Float32Array(STATE);
        for (let layer = 0; layer < 2; layer++) {
          const from = (layer * n + i) * STATE_WIDTH;
          nh.set(reply.h.subarray(from, from + STATE_WIDTH), layer * STATE_WIDTH);
          nc.set(reply.c.subarray(from, from + STATE_WIDTH), layer * STATE_WIDTH);
        }
        item.resolve({ p: reply.p[i] ?? 0, h: nh, c: nc });
      });
    }
    this.send(); // windows that arrived while the worker was busy
  }

  private fail(error: VadError): void {
    if (this.failure) return;
    this.failure = error;
    const waiting = [...(this.inFlight ?? []), ...this.pending];
    this.inFlight = null;
    this.pending = [];
    for (const item of waiting) item.reject(error);
  }
}
