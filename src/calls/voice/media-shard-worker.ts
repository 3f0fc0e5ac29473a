import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { DtmfDetector } from '../../media/dtmf/detector';
import { generateDtmf } from '../../media/dtmf/generator';
import { StreamingResampler } from '../../media/resampler';
import { EnergyGate } from '../../media/vad/energy-gate';
import {
  KIND_IN,
  KIND_OUT,
  type InboundReply,
  type OutboundReply,
  type ShardInit,
  type ShardReply,
  type ShardRequest,
} from './media-shard-protocol';
import { MODEL_RATE_HZ, STATE_WIDTH, WINDOW_SAMPLES } from './silero-batch-protocol';

type FramesRequest = Extract<ShardRequest, { type: 'frames' }>;

/** One call's media state inside the shard. */
interface Lane {
  readonly toInternal: StreamingResampler | null;
  readonly toChannel: StreamingResampler | null;
  readonly rateHz: number;
  readonly dtmf: DtmfDetector | null;
  readonly gate: EnergyGate | null;
  window: Float32Array;
  filled: number;
  h: Float32Array;
  c: Float32Array;
  p: number;
}

/** A full 32 ms window of one lane, for Silero or answered by the gate. */
interface Job {
  readonly lane: Lane;
  readonly window: Float32Array;
  readonly admitted: boolean;
  p: number;
}

/** One inbound frame while its batch is worked on. */
interface InboundFrame {
  readonly lane: Lane | undefined;
  readonly internal: Int16Array;
  readonly jobs: Job[];
  readonly activeDigit: number;
  readonly keys: string;
}

/**
 * A media shard: the per-call signal work of the calls assigned to this thread — caller audio
 * resampled to 16 kHz, in-band DTMF, the energy gate and Silero VAD (one session per shard, every
 * call's ready window in one batched inference), and agent audio resampled to the channel rate. The
 * main thread keeps the clock, the sockets and the dialogue; it sends frames here and gets results
 * back in the same order. Messages: media-shard-protocol.ts.
 */
async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('media-shard-worker must run in a worker thread');
  const init = workerData as ShardInit;
  const threadId = linuxThreadId();
  if (init.niceness > 0 && threadId !== null) setPriority(threadId, Math.min(19, getPriority(threadId) + init.niceness));
  let session: InferenceSession;
  try {
    session = await InferenceSession.create(init.modelPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    await warmUp(session, init.gate);
  } catch (error) {
    port.postMessage({ type: 'loadFailed', message: error instanceof Error ? error.message : String(error) } satisfies ShardReply);
    return;
  }
  const lanes = new Map<number, Lane>();
  let queue: ShardRequest[] = [];
  let busy = false;
  let inferred = 0;
  let skipped = 0;

  const work = async (): Promise<void> => {
    busy = true;
    while (queue.length > 0) {
      // Everything that arrived while the last batch ran is worked as one: one inference for all.
      const taken = queue;
      queue = [];
      const frames: FramesRequest[] = [];
      for (const request of taken) {
        if (request.type === 'open') lanes.set(request.lane, openLane(request.sampleRateHz, request.inBandDtmf, init.gate));
        else if (request.type === 'close') lanes.delete(request.lane);
        else if (request.type === 'crash') setImmediate(() => failHard());
        else frames.push(request);
      }
      const inbound = frames.map((request) => {
        const result = runFrames(request, lanes);
        port.postMessage(result.outbound, [result.outbound.data.buffer as ArrayBuffer]);
        return result.inbound;
      });
      const jobs = inbound.flatMap((frames) => frames.flatMap((f) => f.jobs));
      try {
        await inferJobs(session, jobs);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        for (const request of frames) port.postMessage({ type: 'failed', id: request.id, message } satisfies ShardReply);
        continue;
      }
      for (const job of jobs) {
        if (job.admitted) inferred++;
        else skipped++;
      }
      frames.forEach((request, i) => {
        const reply = inboundReply(request.id, inbound[i] as InboundFrame[], inferred, skipped);
        inferred = 0;
        skipped = 0;
        port.postMessage(reply, [
          reply.data.buffer,
          reply.probabilities.buffer,
          reply.activeDigits.buffer,
          reply.lengths.buffer,
        ] as ArrayBuffer[]);
      });
    }
    busy = false;
  };

  port.on('message', (request: ShardRequest) => {
    queue.push(request);
    if (!busy) void work();
  });
  port.postMessage({ type: 'ready', threadId } satisfies ShardReply);
}

/**
 * This thread's Linux thread id (/proc/thread-self links to <pid>/task/<tid>), null elsewhere. With it
 * the shard lowers its own priority: on Linux the nice value is per thread (setpriority(2), NOTES:
 * "under the current Linux/NPTL implementation of POSIX threads, the nice value is a per-thread
 * attribute") and os.setPriority(pid) is setpriority(PRIO_PROCESS, pid), which takes a thread id.
 * Raising a nice value needs no privilege.
 */
function linuxThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Calls and frames per call of the warm-up (with the Silero runs, ~0.25 s of the shard thread once, at start). */
const WARM_UP_LANES = 8;
const WARM_UP_FRAMES = 60;

/**
 * Pays the shard's cold costs before it takes calls. Measured (thread CPU, /proc/thread-self/schedstat)
 * on a cold shard given 150 calls in one tick: its first batch of frames cost 54-71 ms of DSP against
 * 4-5 ms once warm (JIT of the resampler, DTMF and gate loops), 24-31 ms after this warm-up; and
 * ONNX's first runs at a new batch size cost 2-3x a warm run. So: Silero at growing batch sizes up to
 * what 300 calls make per window, then a few calls' frames (keypad tones, a rising hum, digital
 * silence) through the same code as real frames, both directions, so the hot loops are optimised.
 */
async function warmUp(session: InferenceSession, gate: boolean): Promise<void> {
  for (const n of [1, 16, 64, 128, 256]) await infer(session, n, new Float32Array(n * WINDOW_SAMPLES), state(n), state(n));
  const lanes = new Map<number, Lane>();
  for (let i = 0; i < WARM_UP_LANES; i++) lanes.set(i, openLane(8000, true, gate));
  const tones = generateDtmf('1590#', { sampleRateHz: 8000 });
  const signal = new Int16Array(WARM_UP_FRAMES * 160);
  for (let i = 0; i < signal.length; i++) {
    // Tones, then a 300 Hz hum with a rising level (opens the gate), then digital silence.
    signal[i] = i < tones.length ? (tones[i] as number) : i < signal.length - 1600 ? Math.round(Math.sin(i / 4.24) * (i % 4000)) : 0;
  }
  const count = WARM_UP_LANES * 2;
  for (let f = 0; f < WARM_UP_FRAMES; f++) {
    const data = new Int16Array(WARM_UP_LANES * (160 + 320));
    const kinds = new Uint8Array(count);
    const lengths = new Int32Array(count);
    const ids = new Int32Array(count);
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const inbound = i < WARM_UP_LANES;
      ids[i] = i % WARM_UP_LANES;
      kinds[i] = inbound ? KIND_IN : KIND_OUT;
      lengths[i] = inbound ? 160 : 320;
      // Inbound: the signal at the lane's own offset; outbound: the same audio as 16 kHz agent frames.
      const at = ((f + i * 7) % (WARM_UP_FRAMES - 1)) * 160;
      data.set(signal.subarray(at, at + (lengths[i] as number)), offset);
      offset += lengths[i] as number;
    }
    const { inbound } = runFrames({ type: 'frames', id: 0, lanes: ids, kinds, lengths, data }, lanes);
    const jobs = inbound.flatMap((frame) => frame.jobs);
    await inferJobs(session, jobs);
    inboundReply(0, inbound, 0, 0);
  }
}

function failHard(): never {
  throw new Error('media shard crash requested');
}

function state(n: number): Float32Array {
  return new Float32Array(2 * n * STATE_WIDTH);
}

function openLane(rateHz: number, inBandDtmf: boolean, gate: boolean): Lane {
  const same = rateHz === MODEL_RATE_HZ;
  return {
    toInternal: same ? null : new StreamingResampler(rateHz, MODEL_RATE_HZ),
    toChannel: same ? null : new StreamingResampler(MODEL_RATE_HZ, rateHz),
    rateHz,
    dtmf: inBandDtmf ? new DtmfDetector() : null,
    gate: gate ? new EnergyGate() : null,
    window: new Float32Array(WINDOW_SAMPLES),
    filled: 0,
    h: new Float32Array(2 * STATE_WIDTH),
    c: new Float32Array(2 * STATE_WIDTH),
    p: 0,
  };
}

/** The DSP of one request: outbound frames resampled, inbound frames resampled, keyed and windowed. */
function runFrames(request: FramesRequest, lanes: Map<number, Lane>): { outbound: OutboundReply; inbound: InboundFrame[] } {
  const outParts: Int16Array[] = [];
  const inbound: InboundFrame[] = [];
  let offset = 0;
  for (let i = 0; i < request.lanes.length; i++) {
    const length = request.lengths[i] as number;
    const samples = request.data.subarray(offset, offset + length);
    offset += length;
    const lane = lanes.get(request.lanes[i] as number);
    if (request.kinds[i] === KIND_OUT) {
      outParts.push(lane?.toChannel ? lane.toChannel.process(samples) : samples.slice());
      continue;
    }
    if (!lane) {
      inbound.push({ lane, internal: new Int16Array(0), jobs: [], activeDigit: 0, keys: '' });
      continue;
    }
    const internal = lane.toInternal ? lane.toInternal.process(samples) : samples.slice();
    const keys = lane.dtmf ? lane.dtmf.process({ samples, sampleRateHz: lane.rateHz }) : [];
    const active = lane.dtmf?.activeDigit ?? null;
    inbound.push({
      lane,
      internal,
      jobs: windowsOf(lane, internal),
      activeDigit: active === null ? 0 : active.charCodeAt(0),
      keys: keys.map((k) => k.digit).join(''),
    });
  }
  const outbound = pack(outParts);
  return { outbound: { type: 'outbound', id: request.id, lengths: outbound.lengths, data: outbound.data }, inbound };
}

/** Cuts 16 kHz audio into the lane's 512-sample model windows; each full one is gated or queued. */
function windowsOf(lane: Lane, internal: Int16Array): Job[] {
  const jobs: Job[] = [];
  for (let i = 0; i < internal.length; i++) {
    lane.window[lane.filled++] = (internal[i] as number) / 32768;
    if (lane.filled === WINDOW_SAMPLES) {
      const window = lane.window;
      lane.window = new Float32Array(WINDOW_SAMPLES);
      lane.filled = 0;
      jobs.push({ lane, window, admitted: lane.gate ? lane.gate.admit(window) : true, p: 0 });
    }
  }
  return jobs;
}

/**
 * Runs every admitted window through Silero. A lane's windows must go in order (each needs the state
 * the previous one left), so round r batches the r-th admitted window of every lane; a backlog-free
 * shard needs one round.
 */
async function inferJobs(session: InferenceSession, jobs: Job[]): Promise<void> {
  const perLane = new Map<Lane, Job[]>();
  for (const job of jobs) {
    if (!job.admitted) continue;
    const list = perLane.get(job.lane);
    if (list) list.push(job);
    else perLane.set(job.lane, [job]);
  }
  for (let round = 0; ; round++) {
    const batch = [...perLane.values()].map((list) => list[round]).filter((job): job is Job => job !== undefined);
    const n = batch.length;
    if (n === 0) return;
    const input = new Float32Array(n * WINDOW_SAMPLES);
    const h = state(n);
    const c = state(n);
    batch.forEach((job, i) => {
      input.set(job.window, i * WINDOW_SAMPLES);
      // State layout [2, N, 64]: layer l of stream i sits at (l * N + i) * 64.
      for (let layer = 0; layer < 2; layer++) {
        h.set(job.lane.h.subarray(layer * STATE_WIDTH, (layer + 1) * STATE_WIDTH), (layer * n + i) * STATE_WIDTH);
        c.set(job.lane.c.subarray(layer * STATE_WIDTH, (layer + 1) * STATE_WIDTH), (layer * n + i) * STATE_WIDTH);
      }
    });
    const out = await infer(session, n, input, h, c);
    batch.forEach((job, i) => {
      job.p = out.p[i] ?? 0;
      for (let layer = 0; layer < 2; layer++) {
        const from = (layer * n + i) * STATE_WIDTH;
        job.lane.h.set(out.h.subarray(from, from + STATE_WIDTH), layer * STATE_WIDTH);
        job.lane.c.set(out.c.subarray(from, from + STATE_WIDTH), layer * STATE_WIDTH);
      }
    });
  }
}

async function infer(session: InferenceSession, n: number, input: Float32Array, h: Float32Array, c: Float32Array) {
  const sr = new Tensor('int64', BigInt64Array.from([BigInt(MODEL_RATE_HZ)]), []);
  const out = await session.run({
    input: new Tensor('float32', input, [n, WINDOW_SAMPLES]),
    sr,
    h: new Tensor('float32', h, [2, n, STATE_WIDTH]),
    c: new Tensor('float32', c, [2, n, STATE_WIDTH]),
  });
  return { p: out.output?.data as Float32Array, h: out.hn?.data as Float32Array, c: out.cn?.data as Float32Array };
}

/** Each frame's probability is the lane's latest window answer after it (held between windows). */
function inboundReply(id: number, frames: InboundFrame[], inferred: number, skipped: number): InboundReply {
  const packed = pack(frames.map((f) => f.internal));
  const probabilities = new Float32Array(frames.length);
  const activeDigits = new Uint8Array(frames.length);
  const keys: [number, string][] = [];
  frames.forEach((frame, i) => {
    if (frame.lane) for (const job of frame.jobs) frame.lane.p = job.admitted ? job.p : 0;
    probabilities[i] = frame.lane?.p ?? 0;
    activeDigits[i] = frame.activeDigit;
    if (frame.keys !== '') keys.push([i, frame.keys]);
  });
  return { type: 'inbound', id, lengths: packed.lengths, data: packed.data, probabilities, activeDigits, keys, inferred, skipped };
}

function pack(parts: Int16Array[]): { lengths: Int32Array; data: Int16Array } {
  const lengths = Int32Array.from(parts, (p) => p.length);
  const data = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return { lengths, data };
}

void main();
