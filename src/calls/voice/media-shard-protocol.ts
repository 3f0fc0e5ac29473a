/**
 * Messages between MediaShardPool (main thread) and media-shard-worker.ts. Frames of many calls
 * travel together: one message per shard per turn of the event loop, with every frame's samples
 * packed into one transferred Int16Array (structured clone of hundreds of small arrays would cost
 * the main thread more than the work it hands off).
 */

export interface ShardInit {
  readonly modelPath: string;
  /** Energy gate in front of Silero (media/vad/energy-gate.ts); false runs Silero on every window. */
  readonly gate: boolean;
  /** Nice value added to the shard's own thread (Linux; 0 leaves it as the process's). */
  readonly niceness: number;
}

/** Frame kinds in a batch. */
export const KIND_IN = 0; // caller audio at the channel rate → 16 kHz, DTMF, VAD
export const KIND_OUT = 1; // agent audio at 16 kHz → the channel rate

export type ShardRequest =
  | { readonly type: 'open'; readonly lane: number; readonly sampleRateHz: number; readonly inBandDtmf: boolean }
  | { readonly type: 'close'; readonly lane: number }
  | {
      readonly type: 'frames';
      readonly id: number;
      /** Per frame: its lane, its kind and its length; samples are `data` end to end. */
      readonly lanes: Int32Array;
      readonly kinds: Uint8Array;
      readonly lengths: Int32Array;
      readonly data: Int16Array;
    }
  /** Tests only: the worker throws outside any handler, as a native crash would end it. */
  | { readonly type: 'crash' };

/** Results of the inbound frames of one `frames` request, in request order. */
export interface InboundReply {
  readonly type: 'inbound';
  readonly id: number;
  /** 16 kHz samples per inbound frame, end to end, with their lengths. */
  readonly lengths: Int32Array;
  readonly data: Int16Array;
  readonly probabilities: Float32Array;
  /** Key held at the end of the frame (DTMF digit character code), 0 for none. */
  readonly activeDigits: Uint8Array;
  /** Keys that ended within a frame: [frame index within the inbound frames, digits]. Rare. */
  readonly keys: ReadonlyArray<readonly [number, string]>;
  /** Windows run through Silero and windows the energy gate answered, counted since the last reply. */
  readonly inferred: number;
  readonly skipped: number;
}

/** Results of the outbound frames of one `frames` request (sent before the inbound ones: no VAD wait). */
export interface OutboundReply {
  readonly type: 'outbound';
  readonly id: number;
  readonly lengths: Int32Array;
  readonly data: Int16Array;
}

export type ShardReply =
  /** threadId: the shard thread's Linux thread id (for per-thread CPU figures), null elsewhere. */
  | { readonly type: 'ready'; readonly threadId: number | null }
  | { readonly type: 'loadFailed'; readonly message: string }
  | InboundReply
  | OutboundReply
  | { readonly type: 'failed'; readonly id: number; readonly message: string };
