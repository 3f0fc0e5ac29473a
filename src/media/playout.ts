import { samplesPerFrame, type AudioFrame } from './frame';
import { AizuchiError } from '../domain/errors';

export interface PlayoutItemOptions {
  /** Barge-in may drop it. Legal notices, goodbyes before hang-up etc. are not interruptible. */
  readonly interruptible: boolean;
  /** A clear() drops interruptible items whose priority is at or below the clear's priority. */
  readonly priority?: number;
}

export type PlayoutEvent =
  | { readonly type: 'started'; readonly id: string }
  | { readonly type: 'finished'; readonly id: string }
  | { readonly type: 'dropped'; readonly id: string };

export interface PlayoutTick {
  readonly frame: AudioFrame;
  /** In playback order: an item may finish and the next start within one frame. */
  readonly events: readonly PlayoutEvent[];
}

export class PlayoutError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'playout', cause: options?.cause });
  }
}

interface Item {
  readonly id: string;
  readonly interruptible: boolean;
  readonly priority: number;
  readonly chunks: Int16Array[];
  offset: number; // read position within chunks[0]
  ended: boolean;
  started: boolean;
}

/**
 * Outbound audio queue for one call. The channel calls tick() every 20 ms and always gets exactly
 * one frame (silence when idle or when a streaming item runs late). Audio may arrive in any chunk
 * size, before or after its item reaches the head of the queue.
 */
export class PlayoutQueue {
  readonly sampleRateHz: number;
  private readonly frameSize: number;
  private readonly items: Item[] = [];
  private readonly byId = new Map<string, Item>();
  private pendingEvents: PlayoutEvent[] = [];

  constructor(sampleRateHz: number) {
    const size = samplesPerFrame(sampleRateHz);
    if (!Number.isInteger(size) || size <= 0) throw new PlayoutError(`${sampleRateHz} Hz has no whole 20 ms frame`);
    this.sampleRateHz = sampleRateHz;
    this.frameSize = size;
  }

  /** Nothing queued or playing. */
  get idle(): boolean {
    return this.items.length === 0;
  }

  /** The id playing or next to play, if any (no array made: asked on every tick of every call). */
  get headId(): string | undefined {
    return this.items[0]?.id;
  }

  /** Ids queued or playing, head first. */
  get queuedIds(): string[] {
    return this.items.map((i) => i.id);
  }

  /** Opens an item whose audio will follow through append(); end() closes it. */
  open(id: string, options: PlayoutItemOptions): void {
    if (this.byId.has(id)) throw new PlayoutError(`playout item ${id} is already queued`);
    const item: Item = {
      id,
      interruptible: options.interruptible,
      priority: options.priority ?? 0,
      chunks: [],
      offset: 0,
      ended: false,
      started: false,
    };
    this.items.push(item);
    this.byId.set(id, item);
  }

  /** Adds audio (any length, at the queue's rate) to an open item. Audio for dropped items is ignored. */
  append(id: string, samples: Int16Array): void {
    const item = this.byId.get(id);
    if (!item) return; // dropped by barge-in while the synthesizer was still streaming
    if (item.ended) throw new PlayoutError(`playout item ${id} was already ended`);
    if (samples.length > 0) item.chunks.push(samples);
  }

  end(id: string): void {
    const item = this.byId.get(id);
    if (item) item.ended = true;
  }

  /** Queues a complete clip in one call. */
  play(id: string, samples: Int16Array, options: PlayoutItemOptions): void {
    this.open(id, options);
    this.append(id, samples);
    this.end(id);
  }

  /**
   * Barge-in: drops every interruptible item (playing or queued) with priority <= `priority`.
   * Uninterruptible items always survive. Returns the dropped ids; 'dropped' events follow on the next tick.
   */
  clear(priority = 0): string[] {
    const dropped: string[] = [];
    for (let i = this.items.length - 1; i >= 0; i--) {
      const item = this.items[i] as Item;
      if (item.interruptible && item.priority <= priority) {
        this.items.splice(i, 1);
        this.byId.delete(item.id);
        dropped.unshift(item.id);
      }
    }
    for (const id of dropped) this.pendingEvents.push({ type: 'dropped', id });
    return dropped;
  }

  /** Produces the next 20 ms frame. */
  tick(): PlayoutTick {
    const events = this.pendingEvents;
    this.pendingEvents = [];
    const out = new Int16Array(this.frameSize);
    let filled = 0;
    while (filled < this.frameSize) {
      const item = this.items[0];
      if (!item) break;
      const chunk = item.chunks[0];
      if (chunk && !item.started) {
        item.started = true;
        events.push({ type: 'started', id: item.id });
      }
      if (!chunk) {
        if (!item.ended) break; // streaming item running late: pad with silence, keep its place
        if (!item.started) events.push({ type: 'started', id: item.id }); // empty clip
        events.push({ type: 'finished', id: item.id });
        this.items.shift();
        this.byId.delete(item.id);
        continue;
      }
      const take = Math.min(chunk.length - item.offset, this.frameSize - filled);
      out.set(chunk.subarray(item.offset, item.offset + take), filled);
      filled += take;
      item.offset += take;
      if (item.offset === chunk.length) {
        item.chunks.shift();
        item.offset = 0;
      }
      // Report "finished" in the frame that carries the last sample, not one frame late.
      if (item.ended && item.chunks.length === 0) {
        events.push({ type: 'finished', id: item.id });
        this.items.shift();
        this.byId.delete(item.id);
      }
    }
    return { frame: { samples: out, sampleRateHz: this.sampleRateHz }, events };
  }
}
