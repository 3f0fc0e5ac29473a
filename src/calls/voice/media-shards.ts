import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { AizuchiError } from '../../domain/errors';
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
  readonly internal: Int16Array;
  /** Silero's speech probability after this frame (0 when the energy gate answered). */
  readonly probability: number;
  /** Keys whose tone ended within this frame, in order ('' for none). */
  readonly keys: string;
  /** The key held at the end of the frame, if any. */
  readonly activeDigit: string | null;
}

/** One call's handle on its shard. Results come back in the order frames were given, per direction. */
export interface MediaLane {
  /** Caller audio at the channel rate, one 20 ms frame. */
  inbound(samples: Int16Array): Promise<InboundResult>;
  /** Agent audio at 16 kHz, one 20 ms frame; resolves with it at the channel rate. */
  outbound(samples: Int16Array): Promise<Int16Array>;
  /** Called once if the shard dies under this call (pending frames are rejected with the same error). */
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

type Resolver<T> = { resolve: (value: T) => void; reject: (error: unknown) => void };

interface LaneState {
  readonly id: number;
  readonly lost: ((error: MediaShardError) => void)[];
  closed: boolean;
}

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
  open(call: { sampleRateHz: number; inBandDtmf: boolean }): MediaLane {
    if (this.closed) throw new MediaShardError('the media shard pool is closed');
    const shard = this.shards.reduce((a, b) => (b.lanes.size < a.lanes.size ? b : a));
    const lane: LaneState = { id: ++this.nextLane, lost: [], closed: false };
    shard.lanes.set(lane.id, lane);
    shard.post({ type: 'open', lane: lane.id, sampleRateHz: call.sampleRateHz, inBandDtmf: call.inBandDtmf });
    return {
      inbound: (samples) => shard.frame(lane, KIND_IN, samples) as Promise<InboundResult>,
      outbound: (samples) => shard.frame(lane, KIND_OUT, samples) as Promise<Int16Array>,
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

interface PendingRequest {
  readonly inbound: Resolver<InboundResult>[];
  readonly outbound: Resolver<Int16Array>[];
}

/** One worker and the frames on their way to it. */
class Shard {
  readonly lanes = new Map<number, LaneState>();
  readonly ready: Promise<void>;
  readonly dead: Promise<void>;
  threadId: number | null = null;
  private readonly worker: Worker;
  private batch: {
    lanes: number[];
    kinds: number[];
    parts: Int16Array[];
    inbound: Resolver<InboundResult>[];
    outbound: Resolver<Int16Array>[];
  } = emptyBatch();
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

  frame(lane: LaneState, kind: number, samples: Int16Array): Promise<InboundResult | Int16Array> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      if (lane.closed) return reject(new MediaShardError('the call has left its media shard'));
      this.batch.lanes.push(lane.id);
      this.batch.kinds.push(kind);
      this.batch.parts.push(samples);
      if (kind === KIND_IN) this.batch.inbound.push({ resolve, reject });
      else this.batch.outbound.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush()); // every frame given in this turn of the event loop goes in one message
      }
    });
  }

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
      let offset = 0;
      request.outbound.forEach((r, i) => {
        const length = reply.lengths[i] as number;
        r.resolve(reply.data.subarray(offset, offset + length));
        offset += length;
      });
      request.outbound.length = 0;
    } else if (reply.type === 'inbound') {
      this.onCounts(reply);
      const keys = new Map(reply.keys);
      let offset = 0;
      request.inbound.forEach((r, i) => {
        const length = reply.lengths[i] as number;
        const active = reply.activeDigits[i] as number;
        r.resolve({
          internal: reply.data.subarray(offset, offset + length),
          probability: reply.probabilities[i] as number,
          keys: keys.get(i) ?? '',
          activeDigit: active === 0 ? null : String.fromCharCode(active),
        });
        offset += length;
      });
      request.inbound.length = 0;
    } else {
      const error = new MediaShardError('Silero VAD inference failed in a media shard', { cause: new Error(reply.message) });
      for (const r of request.inbound) r.reject(error);
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
    for (const request of waiting) for (const r of [...request.inbound, ...request.outbound]) r.reject(error);
    const lanes = [...this.lanes.values()];
    this.lanes.clear();
    if (!this.stopping) for (const lane of lanes) for (const listener of lane.lost) listener(error);
    markDead();
  }
}

function emptyBatch() {
  return {
    lanes: [] as number[],
    kinds: [] as number[],
    parts: [] as Int16Array[],
    inbound: [] as Resolver<InboundResult>[],
    outbound: [] as Resolver<Int16Array>[],
  };
}
