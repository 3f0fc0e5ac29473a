import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';

import type { BatchRequest, BatchReply, WorkerInit } from './silero-batch-protocol';
import { MODEL_RATE_HZ, STATE_WIDTH, WINDOW_SAMPLES } from './silero-batch-protocol';

/**
 * The worker side of BatchedSileroVad: owns the one InferenceSession and runs each batch it is sent,
 * so inference uses another core instead of blocking the event loop that paces 20 ms frames.
 * Messages are defined in silero-batch-protocol.ts.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('silero-batch-worker must run in a worker thread');
  const init = workerData as WorkerInit;
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(init.modelPath, { intraOpNumThreads: init.intraOpNumThreads, interOpNumThreads: 1 });
  } catch (error) {
    port.postMessage({ type: 'loadFailed', message: error instanceof Error ? error.message : String(error) } satisfies BatchReply);
    return;
  }
  const loaded = session;
  const sr = new Tensor('int64', BigInt64Array.from([BigInt(MODEL_RATE_HZ)]), []);
  const run = (n: number, input: Float32Array, h: Float32Array, c: Float32Array) =>
    loaded.run({
      input: new Tensor('float32', input, [n, WINDOW_SAMPLES]),
      sr,
      h: new Tensor('float32', h, [2, n, STATE_WIDTH]),
      c: new Tensor('float32', c, [2, n, STATE_WIDTH]),
    });
  // The first runs of a session (and of a new batch size) are several times slower: pay that before
  // reporting ready, not in the first calls' audio.
  try {
    for (const n of [1, 32, 128]) {
      const state = () => new Float32Array(2 * n * STATE_WIDTH);
      await run(n, new Float32Array(n * WINDOW_SAMPLES), state(), state());
    }
  } catch (error) {
    port.postMessage({ type: 'loadFailed', message: error instanceof Error ? error.message : String(error) } satisfies BatchReply);
    return;
  }
  port.on('message', (request: BatchRequest) => {
    void (async () => {
      const n = request.count;
      try {
        const out = await run(n, request.input, request.h, request.c);
        // Copies: the tensors' buffers belong to onnxruntime and may not be transferable.
        const p = Float32Array.from(out.output?.data as Float32Array);
        const h = Float32Array.from(out.hn?.data as Float32Array);
        const c = Float32Array.from(out.cn?.data as Float32Array);
        port.postMessage({ type: 'result', id: request.id, p, h, c } satisfies BatchReply, [p.buffer, h.buffer, c.buffer]);
      } catch (error) {
        port.postMessage({
          type: 'failed',
          id: request.id,
          message: error instanceof Error ? error.message : String(error),
        } satisfies BatchReply);
      }
    })();
  });
  port.postMessage({ type: 'ready' } satisfies BatchReply);
}

void main();
