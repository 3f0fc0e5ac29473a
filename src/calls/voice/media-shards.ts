import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AizuchiError } from '../../domain/errors';
import type { AudioFrame } from '../../media/frame';
import { defaultSileroModelPath } from '../../media/vad/silero-vad';
import {
  KIND_IN,
  KIND_OUT,
  type InboundReply,
  type OutboundReply,
  type ShardInit,
  type ShardReply,
  type ShardRequest,
} from './media-shard-protocol';

/** A media shard is gone (its thread crashed) or cannot start; the calls on it end. */
export class MediaShardError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'media_shard', cause: options?.cause });
  }
}

/** What the shard made of one caller frame. */
export interface InboundResult {
  /** The frame at 16 kHz (for the recognizer and the recording). */
  readonly internal: AudioFrame;
  /** Silero's speech probability after this frame (0 when the energy gate answered). */
  readonly probability: number;
  /** Keys whose tone ended within this frame, in order ('' for none). */
  readonly keys: string;
  /** The key held at the end of the frame, if any. */
  readonly activeDigit: string | null;
}

/**
 * Where one call's caller-frame results go, called in the order the frames were given, exactly once
 * per frame. A sink given once per call instead of a promise per frame: at 300 calls that was 30,000
 * promises and closures a second on the thread that paces every call's frames.
 */
export interface LaneSink {
  analysed(result: InboundResult): void;
  /** The frame could not be analysed: inference failed, the shard died, or the lane was closed. */
  failed(error: MediaShardError): void;
}

/** A call as it asks for a lane: its channel's rate, whether keys come as tones, and its sink. */
export interface MediaLaneCall {
  readonly sampleRateHz: number;
  readonly inBandDtmf: boolean;
  readonly sink: LaneSink;
}

/** One call's handle on its shard. Results come back in the order frames were given, per direction. */
export interface MediaLane {
  /** Caller audio at the channel rate, one 20 ms frame; its result goes to the lane's sink. */
  inbound(samples: Int16Array): void;
  /**
   * Agent audio at 16 kHz, one 20 ms frame; `deliver` gets it at the channel rate, in order. Never
   * called for a frame the shard could not resample (it died): the lane reports lost instead.
   */
  outbound(samples: Int16Array, deliver: (samples: Int16Array) => void): void;
  /** Called once if the shard dies under this call (then its pending caller frames fail). */
  onLost(listener: (error: MediaShardError) => void): void;
  /** Frees the call's state in the shard. Idempotent. */
  close(): void;
}

export interface MediaShardPoolOptions {
  /** Worker threads; default the machine's available parallelism (a 2-core box: 2). */
  readonly size?: number;
  readonly modelPath?: string;
  /** The energy gate in front of Silero (default on). */
  readonly gate?: boolean;
  /**
   * Nice value for each shard thread (Linux, 0..19; default 0). Higher lets the event loop that paces
   * every call's 20 ms frames take a core first when the shards keep both busy.
   */
  readonly niceness?: number;
}

export interface MediaShardStats {
  /** Calls open per shard. */
  readonly lanes: number[];
  /** Shards started to replace a dead one. */
  readonly replaced: number;
  /** Silero windows inferred, and windows the energy gate answered without the model. */
  readonly inferred: number;
  readonly skipped: number;
}

type Deliver = (samples: Int16Array) => void;

interface LaneState {
  readonly id: number;
  readonly sink: LaneSink;
  readonly lost: ((error: MediaShardError) => void)[];
  closed: boolean;
}

/** The shard's 16 kHz rate, as InboundResult frames carry it. */
const INTERNAL_RATE_HZ = 16000;

/**
 * Worker threads that do the per-call signal work of voice calls (media-shard-worker.ts), so the
 * event loop that paces every call's 20 ms frames only moves frames and events. Calls are sharded:
 * a call's frames all go to one shard (its resampler, DTMF, gate and Silero state live there), given
 * to the shard with the fewest calls when the call opens. Each shard batches every call's ready
 * Silero window into one inference. A shard that dies takes its calls with it (their lanes report
 * lost: the bridge ends them) and is replaced at once, so later calls have the same capacity.
 */
export class MediaShardPool {
  private readonly shards: Shard[] = [];
  private nextLane = 0;
  private closed = false;
  private counters = { replaced: 0, inferred: 0, skipped: 0 };

  private constructor(private readonly init: ShardInit) {}

  static async start(options: MediaShardPoolOptions = {}): Promise<MediaShardPool> {
    const size = Math.max(1, options.size ?? availableParallelism());
    const pool = new MediaShardPool({
      modelPath: options.modelPath ?? defaultSileroModelPath(),
      gate: options.gate ?? true,
      niceness: options.niceness ?? 0,
    });
    try {
      for (let i = 0; i < size; i++) pool.shards.push(pool.spawn(i));
      await Promise.all(pool.shards.map((s) => s.ready));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** Linux thread ids of the live shard threads (per-thread CPU in the bench); empty elsewhere. */
  get threadIds(): number[] {
    return this.shards.flatMap((s) => (s.threadId === null ? [] : [s.threadId]));
  }

  get stats(): MediaShardStats {
    return { lanes: this.shards.map((s) => s.lanes.size), ...this.counters };
  }

  /** A lane for a new call, on the shard with the fewest calls. */
  open(call: MediaLaneCall): MediaLane {
    if (this.closed) throw new MediaShardError('the media shard pool is closed');
    const shard = this.shards.reduce((a, b) => (b.lanes.size < a.lanes.size ? b : a));
    const lane: LaneState = { id: ++this.nextLane, sink: call.sink, lost: [], closed: false };
    shard.lanes.set(lane.id, lane);
    shard.post({ type: 'open', lane: lane.id, sampleRateHz: call.sampleRateHz, inBandDtmf: call.inBandDtmf });
    return {
      inbound: (samples) => shard.frame(lane, KIND_IN, samples, null),
      outbound: (samples, deliver) => shard.frame(lane, KIND_OUT, samples, deliver),
      onLost: (listener) => lane.lost.push(listener),
      close: () => {
        if (lane.closed) return;
        lane.closed = true;
        if (shard.lanes.delete(lane.id)) shard.post({ type: 'close', lane: lane.id });
      },
    };
  }

  /**
   * Makes shard `index` throw outside any handler, as a native crash would: for the tests of what a
   * crash does to calls. Resolves once the shard has died.
   */
  async crashShardForTests(index: number): Promise<void> {
    const shard = this.shards[index];
    if (!shard) throw new MediaShardError(`no shard ${index}`);
    shard.post({ type: 'crash' });
    await shard.dead;
  }

  /** Stops every shard; frames still pending are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.shards.map((s) => s.stop()));
  }

  private spawn(index: number): Shard {
    const shard = new Shard(this.init, (reply) => {
      this.counters.inferred += reply.inferred;
      this.counters.skipped += reply.skipped;
    });
    void shard.dead.then(() => {
      if (this.closed || this.shards[index] !== shard) return;
      this.counters.replaced++;
      const next = this.spawn(index);
      this.shards[index] = next;
      // A replacement that cannot load stays dead; its lanes are lost as they open.
      next.ready.catch(() => undefined);
    });
    return shard;
  }
}

/** A request on its way: the lane of each caller frame and the deliver of each agent frame, in order. */
interface PendingRequest {
  readonly inbound: LaneState[];
  readonly outbound: Deliver[];
}

/** One worker and the frames on their way to it. */
class Shard {
  readonly lanes = new Map<number, LaneState>();
  readonly ready: Promise<void>;
  readonly dead: Promise<void>;
  threadId: number | null = null;
  private readonly worker: Worker;
  private batch = emptyBatch();
  private scheduled = false;
  private nextId = 0;
  private readonly pending = new Map<number, PendingRequest>();
  private failure: MediaShardError | null = null;
  private stopping = false;

  constructor(
    init: ShardInit,
    private readonly onCounts: (reply: InboundReply) => void,
  ) {
    this.worker = new Worker(new URL('./media-shard-worker-entry.mjs', import.meta.url), { workerData: init });
    let markDead: () => void = () => undefined;
    this.dead = new Promise((resolve) => (markDead = resolve));
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: ShardReply) => {
        if (reply.type === 'ready') {
          this.threadId = reply.threadId;
          resolve();
        } else if (reply.type === 'loadFailed') {
          reject(new MediaShardError(`cannot load Silero VAD in a media shard: ${reply.message}`));
          this.die(new MediaShardError('a media shard could not load its model'), markDead);
        } else this.onReply(reply);
      });
      this.worker.on('error', (error) => {
        reject(error);
        this.die(new MediaShardError('a media shard crashed', { cause: error }), markDead);
      });
      this.worker.on('exit', () => {
        reject(new MediaShardError('a media shard exited while starting'));
        this.die(new MediaShardError('a media shard has stopped'), markDead);
      });
    });
    // Referenced while starting and while frames are on their way only, so a forgotten close() cannot hang the process.
    this.ready.then(
      () => {
        if (this.pending.size === 0) this.worker.unref();
      },
      () => undefined,
    );
  }

  post(request: ShardRequest): void {
    if (!this.failure) this.worker.postMessage(request);
  }

  /** Queues one frame for the next message; a caller frame's result goes to its lane's sink, an agent frame's to `deliver`. */
  frame(lane: LaneState, kind: number, samples: Int16Array, deliver: Deliver | null): void {
    const refused = this.failure ?? (lane.closed ? new MediaShardError('the call has left its media shard') : null);
    if (refused) {
      // Asynchronously, like every other result: the caller is still inside its own receive().
      if (kind === KIND_IN) queueMicrotask(() => lane.sink.failed(refused));
      return;
    }
    const batch = this.batch;
    batch.lanes.push(lane.id);
    batch.kinds.push(kind);
    batch.parts.push(samples);
    if (kind === KIND_IN) batch.inbound.push(lane);
    else batch.outbound.push(deliver as Deliver);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushNow); // every frame given in this turn of the event loop goes in one message
    }
  }

  private readonly flushNow = (): void => this.flush();

  async stop(): Promise<void> {
    this.stopping = true;
    this.die(new MediaShardError('the media shard pool is closed'), () => undefined);
    await this.worker.terminate();
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.batch;
    this.batch = emptyBatch();
    if (this.failure || batch.parts.length === 0) return;
    const lengths = Int32Array.from(batch.parts, (p) => p.length);
    const data = new Int16Array(lengths.reduce((n, l) => n + l, 0));
    let offset = 0;
    for (const p of batch.parts) {
      data.set(p, offset);
      offset += p.length;
    }
    const id = ++this.nextId;
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(id, { inbound: batch.inbound, outbound: batch.outbound });
    const request: ShardRequest = {
      type: 'frames',
      id,
      lanes: Int32Array.from(batch.lanes),
      kinds: Uint8Array.from(batch.kinds),
      lengths,
      data,
    };
    this.worker.postMessage(request, [data.buffer]);
  }

  private onReply(reply: InboundReply | OutboundReply | Extract<ShardReply, { type: 'failed' }>): void {
    const request = this.pending.get(reply.id);
    if (!request) return;
    if (reply.type === 'outbound') {
      const { outbound } = request;
      let offset = 0;
      for (let i = 0; i < outbound.length; i++) {
        const length = reply.lengths[i] as number;
        (outbound[i] as Deliver)(reply.data.subarray(offset, offset + length));
        offset += length;
      }
      outbound.length = 0;
    } else if (reply.type === 'inbound') {
      this.onCounts(reply);
      const { inbound } = request;
      const keys = reply.keys.length === 0 ? null : new Map(reply.keys);
      let offset = 0;
      for (let i = 0; i < inbound.length; i++) {
        const length = reply.lengths[i] as number;
        const active = reply.activeDigits[i] as number;
        (inbound[i] as LaneState).sink.analysed({
          internal: { samples: reply.data.subarray(offset, offset + length), sampleRateHz: INTERNAL_RATE_HZ },
          probability: reply.probabilities[i] as number,
          keys: keys?.get(i) ?? '',
          activeDigit: active === 0 ? null : String.fromCharCode(active), // one-character strings are V8's cached ones
        });
        offset += length;
      }
      inbound.length = 0;
    } else {
      const error = new MediaShardError('Silero VAD inference failed in a media shard', { cause: new Error(reply.message) });
      for (const lane of request.inbound) lane.sink.failed(error);
      request.inbound.length = 0;
    }
    if (request.inbound.length === 0 && request.outbound.length === 0) {
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
    }
  }

  private die(error: MediaShardError, markDead: () => void): void {
    if (this.failure) return;
    this.failure = error;
    const waiting = [...this.pending.values(), this.batch];
    this.pending.clear();
    this.batch = emptyBatch();
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    if (!this.stopping) for (const lane of lanes) for (const listener of lane.lost) listener(error);
    // Then the caller frames on their way fail, in order; agent frames are simply not sent.
    for (const request of waiting) for (const lane of request.inbound) lane.sink.failed(error);
    markDead();
  }
}

function emptyBatch() {
  return {
    lanes: [] as number[],
    kinds: [] as number[],
    parts: [] as Int16Array[],
    inbound: [] as LaneState[],
    outbound: [] as Deliver[],
  };
}
