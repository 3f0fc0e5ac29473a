import type { AudioChannel, PlayoutMarks } from '../../channels/audio-channel';
import { samplesPerFrame, type AudioFrame } from '../../media/frame';
import { Reframer } from '../../media/reframer';
import type { Logger } from '../../observability/logger';
import { AizuchiError } from '../../domain/errors';
import { MAX_MESSAGE_BYTES, type StreamEvent, type VendorFraming } from './framing';
import type { MediaStreamSocket } from './media-stream-socket';
import { decodePayload, encodePayload } from './payload-codec';

export class MediaStreamFrameError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'media_stream_frame', retryable: false });
  }
}

export interface MediaStreamStats {
  framesIn: number;
  framesOut: number;
  /** Agent frames dropped because the socket backed up, and caller frames beyond the hold cap. */
  framesDropped: number;
  /** Caller audio that arrived after a later chunk had already been delivered. */
  framesLate: number;
  badMessages: number;
  marksSent: number;
  marksPlayed: number;
  /** Echoes of marks that clear() had discarded, or of marks we never placed: not playback. */
  marksIgnored: number;
}

/** An AudioChannel over one vendor's media stream, plus what the endpoint needs to run it. */
export interface MediaStreamChannel extends AudioChannel {
  readonly playout: PlayoutMarks;
  readonly vendor: VendorFraming['start']['vendor'];
  /** One message after the start (the endpoint owns the socket's message listener). */
  receive(data: Buffer, isBinary: boolean): void;
  /** The token was accepted: caller audio and digits held so far go to the listeners, in order. */
  release(): void;
  /** Closes the stream with a specific WebSocket code (token refused, server error); held input is discarded. */
  refuse(code: number, reason: string): void;
  stats(): MediaStreamStats;
}

export interface MediaStreamChannelOptions {
  logger?: Logger;
  /** Agent audio queued in the socket beyond this is dropped rather than delaying the call (bytes). */
  maxBufferedBytes?: number;
  /** Caller frames kept while the token is checked; older ones are dropped beyond this (default 100 = 2 s). */
  maxHeldFrames?: number;
  /** Consecutive bad messages after which the stream is treated as broken and closed (default 200). */
  maxBadInRow?: number;
  /** Out-of-order audio chunks held while waiting for a missing one (default 3: 60 ms at 20 ms chunks). */
  reorderWindow?: number;
}

type Held = { kind: 'frame'; frame: AudioFrame } | { kind: 'dtmf'; digit: string };

const WS_NORMAL = 1000;
const WS_POLICY_VIOLATION = 1008;

/**
 * MediaStreamAudioChannel: a carrier's media stream as an AudioChannel. Caller payloads (μ-law,
 * A-law or L16, per the vendor's start) become 20 ms PCM16 frames at the stream's own rate (8 kHz,
 * or 16 kHz for Vonage/L16 16k); agent frames go back as one media message each, in the vendor's
 * coding. Keys come as vendor events (`inBandDtmf` false). Marks and clear are `playout`. Bad
 * messages are counted and dropped. A `stop` from the vendor is the caller hanging up
 * (`caller_hangup`); our close() ends the stream (the carrier then ends or continues the call).
 * Nothing reaches listeners before release(): the endpoint calls it once the token was accepted.
 */
export function createMediaStreamChannel(
  socket: MediaStreamSocket,
  framing: VendorFraming,
  opts: MediaStreamChannelOptions = {},
): MediaStreamChannel {
  const { encoding } = framing.start;
  const rate = encoding.sampleRateHz;
  const frameSamples = samplesPerFrame(rate);
  const maxBufferedBytes = opts.maxBufferedBytes ?? 32_000;
  const maxHeldFrames = opts.maxHeldFrames ?? 100;
  const maxBadInRow = opts.maxBadInRow ?? 200;
  const reorderWindow = opts.reorderWindow ?? 3;
  const log = opts.logger?.child({ component: 'media-stream', vendor: framing.start.vendor });

  const frameListeners: Array<(frame: AudioFrame) => void> = [];
  const dtmfListeners: Array<(digits: string) => void> = [];
  const closeListeners: Array<(reason: string) => void> = [];
  const playedListeners: Array<(name: string) => void> = [];
  const counts: MediaStreamStats = {
    framesIn: 0,
    framesOut: 0,
    framesDropped: 0,
    framesLate: 0,
    badMessages: 0,
    marksSent: 0,
    marksPlayed: 0,
    marksIgnored: 0,
  };
  const reframer = new Reframer(rate);
  const held: Held[] = [];
  let heldFrames = 0;
  let released = false;
  let closed = false;
  let badInRow = 0;
  // Reordering by audio chunk number: the next expected chunk, and chunks that came early.
  let nextChunk: number | null = null;
  const early = new Map<number, Buffer>();
  // Marks placed and not yet echoed, in order; echoes of anything else are not playback.
  const pendingMarks: string[] = [];

  function emit<A extends unknown[]>(listeners: Array<(...args: A) => void>, ...args: A): void {
    for (const l of listeners) {
      try {
        l(...args);
      } catch (err) {
        log?.warn({ err }, 'media-stream listener failed');
      }
    }
  }

  function send(message: string | Buffer): void {
    if (!closed && socket.isOpen()) socket.send(message);
  }

  function deliver(item: Held): void {
    if (!released) {
      held.push(item);
      if (item.kind === 'frame' && ++heldFrames > maxHeldFrames) {
        const oldest = held.findIndex((h) => h.kind === 'frame');
        held.splice(oldest, 1);
        heldFrames--;
        counts.framesDropped++;
      }
      return;
    }
    if (item.kind === 'frame') {
      counts.framesIn++;
      emit(frameListeners, item.frame);
    } else {
      emit(dtmfListeners, item.digit);
    }
  }

  function audio(payload: Buffer): void {
    const samples = decodePayload(encoding, payload);
    if (samples.length === 0) return bad('media payload holds no whole sample');
    for (const frame of reframer.push(samples)) deliver({ kind: 'frame', frame });
  }

  function onAudio(payload: Buffer, seq: number | null): void {
    if (seq === null) return audio(payload);
    if (nextChunk === null || seq === nextChunk) {
      audio(payload);
      nextChunk = seq + 1;
    } else if (seq < nextChunk) {
      counts.framesLate++;
      return;
    } else {
      early.set(seq, payload);
      if (early.size <= reorderWindow) return;
      // The missing chunk is lost: go on from the earliest one that came.
      nextChunk = Math.min(...early.keys());
    }
    for (let next = early.get(nextChunk); next; next = early.get(nextChunk)) {
      early.delete(nextChunk);
      audio(next);
      nextChunk++;
    }
  }

  function bad(reason: string): void {
    counts.badMessages++;
    if (++badInRow >= maxBadInRow) {
      log?.warn({ reason }, 'media stream closed after too many bad messages');
      finish('protocol_error', WS_POLICY_VIOLATION);
    }
  }

  function onMarkEcho(name: string): void {
    const at = pendingMarks.indexOf(name);
    if (at < 0) {
      counts.marksIgnored++;
      return;
    }
    // Echoes come in the order marks were placed: any earlier pending mark has played too.
    const played = pendingMarks.splice(0, at + 1);
    for (const n of played) {
      counts.marksPlayed++;
      emit(playedListeners, n);
    }
  }

  function handle(event: StreamEvent): void {
    if (event.type === 'bad') return bad(event.reason);
    badInRow = 0;
    switch (event.type) {
      case 'audio':
        return onAudio(event.payload, event.seq);
      case 'dtmf':
        return deliver({ kind: 'dtmf', digit: event.digit });
      case 'mark':
        return onMarkEcho(event.name);
      case 'stop':
        return finish('caller_hangup', WS_NORMAL);
      case 'cleared':
      case 'ignored':
        return;
    }
  }

  function finish(reason: string, code: number): void {
    if (closed) return;
    closed = true;
    held.length = 0;
    socket.close(code, reason);
    emit(closeListeners, reason);
  }

  socket.onClose(() => {
    if (closed) return;
    closed = true;
    held.length = 0;
    emit(closeListeners, 'disconnected');
  });

  const playout: PlayoutMarks = {
    mark(name) {
      if (closed) return;
      const message = framing.mark(name);
      counts.marksSent++;
      if (message === null) {
        // No marks on this vendor (Vonage): what was sent is taken as heard, as on the softphone.
        counts.marksPlayed++;
        emit(playedListeners, name);
        return;
      }
      pendingMarks.push(name);
      send(message);
    },
    onPlayed: (l) => void playedListeners.push(l),
    clear() {
      if (closed) return;
      pendingMarks.length = 0;
      send(framing.clear());
    },
  };

  return {
    kind: 'media-stream',
    vendor: framing.start.vendor,
    inBandDtmf: !framing.outOfBandDtmf,
    sampleRateHz: rate,
    playout,
    onFrame: (l) => void frameListeners.push(l),
    onDtmf: (l) => void dtmfListeners.push(l),
    // A phone has no text box: nothing typed ever arrives.
    onText: () => undefined,
    onClose: (l) => void closeListeners.push(l),
    receive(data, isBinary) {
      if (closed) return;
      if (data.length > MAX_MESSAGE_BYTES) return bad('message too large');
      handle(framing.parse(data, isBinary));
    },
    release() {
      if (released || closed) return;
      released = true;
      const items = held.splice(0);
      heldFrames = 0;
      for (const item of items) deliver(item);
    },
    refuse(code, reason) {
      finish(reason, code);
    },
    sendFrame(frame) {
      if (frame.sampleRateHz !== rate || frame.samples.length !== frameSamples) {
        throw new MediaStreamFrameError(
          `this stream's frames are ${frameSamples} samples at ${rate} Hz, got ${frame.samples.length} at ${frame.sampleRateHz} Hz`,
        );
      }
      if (closed || !socket.isOpen()) return;
      // A stalled network must not turn into seconds of delay: drop instead of queueing.
      if (socket.bufferedBytes() > maxBufferedBytes) {
        counts.framesDropped++;
        return;
      }
      counts.framesOut++;
      send(framing.media(encodePayload(encoding, frame.samples)));
    },
    // A phone has no screen: captions and controls stay on our side (the transcript has the words).
    sendCaption: () => undefined,
    sendControl: () => undefined,
    close(reason) {
      finish(reason, WS_NORMAL);
    },
    stats: () => ({ ...counts }),
  };
}
