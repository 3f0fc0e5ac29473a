/** Messages between BatchedSileroVad (main thread) and silero-batch-worker.ts. */

export const MODEL_RATE_HZ = 16000;
/** Silero v4 at 16 kHz: 32 ms windows. */
export const WINDOW_SAMPLES = 512;
/** LSTM width; state tensors are [2, N, 64]. */
export const STATE_WIDTH = 64;

export interface WorkerInit {
  readonly modelPath: string;
  readonly intraOpNumThreads: number;
}

/** N windows as [N, 512]; h and c as [2, N, 64]. The buffers are transferred, not copied. */
export interface BatchRequest {
  readonly id: number;
  readonly count: number;
  readonly input: Float32Array;
  readonly h: Float32Array;
  readonly c: Float32Array;
}

export type BatchReply =
  | { readonly type: 'ready' }
  | { readonly type: 'loadFailed'; readonly message: string }
  | { readonly type: 'result'; readonly id: number; readonly p: Float32Array; readonly h: Float32Array; readonly c: Float32Array }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
