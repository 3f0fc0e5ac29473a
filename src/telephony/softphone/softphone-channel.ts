import type { AudioFrame } from '../../media/frame';
import type { Logger } from '../../observability/logger';
import type { AudioChannel } from '../../channels/audio-channel';
import {
  type ControlMessage,
  type ProtocolError,
  SOFTPHONE_FRAME_SAMPLES,
  SOFTPHONE_SAMPLE_RATE_HZ,
  encodePcm16le,
  isProtocolError,
  parseClientMessage,
} from './protocol';
import type { SoftphoneSocket } from './softphone-socket';
import { AizuchiError } from '../../domain/errors';

export class SoftphoneFrameError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'softphone_frame', cause: options?.cause });
  }
}

/** Call-control messages the ringing logic handles; audio, keys and text go to the media chain. */
export type SoftphoneControl = Extract<ControlMessage, { type: 'answer' | 'decline' }>;

export interface SoftphoneChannel extends AudioChannel {
  onControl(listener: (message: SoftphoneControl) => void): void;
  stats(): { framesIn: number; framesOut: number; framesDropped: number; badMessages: number };
}

export interface SoftphoneChannelOptions {
  logger?: Logger;
  /** Monotonic milliseconds, for the inbound rate limit. */
  nowMs?: () => number;
  /** Consecutive bad messages after which the page is treated as broken and disconnected. */
  maxBadInRow?: number;
  /** Agent audio queued in the socket beyond this is dropped rather than delaying the call further. */
  maxBufferedBytes?: number;
}

const WS_POLICY_VIOLATION = 1008;
const FRAME_MS = 20;
/** A page may run up to a second ahead (tab throttling, GC) but not faster than real time for long. */
const BURST_FRAMES = 50;

/**
 * An AudioChannel over the softphone page's WebSocket. Every inbound message is validated; a bad
 * one gets `{"type":"error"}` back and is skipped, so one glitch never ends a call.
 */
export function createSoftphoneChannel(socket: SoftphoneSocket, opts: SoftphoneChannelOptions = {}): SoftphoneChannel {
  const nowMs = opts.nowMs ?? (() => performance.now());
  const maxBadInRow = opts.maxBadInRow ?? 20;
  const maxBufferedBytes = opts.maxBufferedBytes ?? 32_000;
  const log = opts.logger?.child({ component: 'softphone-channel' });

  const frameListeners: Array<(frame: AudioFrame) => void> = [];
  const dtmfListeners: Array<(digits: string) => void> = [];
  const textListeners: Array<(text: string, source: 'typed' | 'browser-asr', isFinal: boolean) => void> = [];
  const closeListeners: Array<(reason: string) => void> = [];
  const controlListeners: Array<(message: SoftphoneControl) => void> = [];
  const counts = { framesIn: 0, framesOut: 0, framesDropped: 0, badMessages: 0 };
  let badInRow = 0;
  let closed = false;
  // Token bucket in frames: refills at real time, so a page cannot flood the media chain.
  let tokens = BURST_FRAMES;
  let lastRefillMs = nowMs();
  let lastRateErrorMs = -Infinity;

  function emit<A extends unknown[]>(listeners: Array<(...args: A) => void>, ...args: A): void {
    for (const l of listeners) {
      try {
        l(...args);
      } catch (err) {
        log?.warn({ err }, 'softphone listener failed');
      }
    }
  }

  function sendJson(message: Record<string, unknown>): void {
    if (!closed && socket.isOpen()) socket.send(JSON.stringify(message));
  }

  function reportError(error: ProtocolError): void {
    counts.badMessages++;
    badInRow++;
    sendJson({ type: 'error', code: error.code, message: error.message });
    if (badInRow >= maxBadInRow) {
      finish('protocol_error', WS_POLICY_VIOLATION);
    }
  }

  function admitFrame(): boolean {
    const now = nowMs();
    tokens = Math.min(BURST_FRAMES, tokens + (now - lastRefillMs) / FRAME_MS);
    lastRefillMs = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  function finish(reason: string, code: number): void {
    if (closed) return;
    sendJson({ type: 'ended', reason });
    closed = true;
    socket.close(code, reason);
    emit(closeListeners, reason);
  }

  socket.onMessage((data, isBinary) => {
    if (closed) return;
    const msg = parseClientMessage(data, isBinary);
    if (isProtocolError(msg)) return reportError(msg);
    badInRow = 0;
    switch (msg.type) {
      case 'audio':
        if (!admitFrame()) {
          counts.framesDropped++;
          if (nowMs() - lastRateErrorMs > 1000) {
            lastRateErrorMs = nowMs();
            sendJson({ type: 'error', code: 'rate', message: 'audio faster than real time; frames dropped' });
          }
          return;
        }
        counts.framesIn++;
        emit(frameListeners, { samples: msg.samples, sampleRateHz: SOFTPHONE_SAMPLE_RATE_HZ });
        return;
      case 'dtmf':
        return emit(dtmfListeners, msg.digits);
      case 'text':
        return emit(textListeners, msg.text.trim(), 'typed', true);
      case 'asr':
        return emit(textListeners, msg.text, 'browser-asr', msg.isFinal);
      case 'typing':
        return emit(textListeners, '', 'typed', false);
      case 'ping':
        return sendJson({ type: 'pong' });
      case 'hangup':
        return finish('caller_hangup', 1000);
      case 'answer':
      case 'decline':
        return emit(controlListeners, msg);
    }
  });
  socket.onClose(() => {
    if (closed) return;
    closed = true;
    emit(closeListeners, 'disconnected');
  });

  return {
    kind: 'softphone',
    // The page's keypad sends keys as messages, but the page can also mix real key tones into the
    // microphone (audio-io.js keysInBand, the Chromium tests' in-band path), so the detector runs
    // until the first out-of-band key shows which way this page sends them.
    inBandDtmf: true,
    sampleRateHz: SOFTPHONE_SAMPLE_RATE_HZ,
    onFrame: (l) => void frameListeners.push(l),
    onDtmf: (l) => void dtmfListeners.push(l),
    onText: (l) => void textListeners.push(l),
    onClose: (l) => void closeListeners.push(l),
    onControl: (l) => void controlListeners.push(l),
    sendFrame(frame) {
      if (frame.sampleRateHz !== SOFTPHONE_SAMPLE_RATE_HZ || frame.samples.length !== SOFTPHONE_FRAME_SAMPLES) {
        throw new SoftphoneFrameError(
          `softphone frames are ${SOFTPHONE_FRAME_SAMPLES} samples at ${SOFTPHONE_SAMPLE_RATE_HZ} Hz, got ${frame.samples.length} at ${frame.sampleRateHz} Hz`,
        );
      }
      if (closed || !socket.isOpen()) return;
      // A stalled network must not turn into seconds of delay: drop instead of queueing.
      if (socket.bufferedBytes() > maxBufferedBytes) {
        counts.framesDropped++;
        return;
      }
      counts.framesOut++;
      socket.send(encodePcm16le(frame.samples));
    },
    sendCaption(caption) {
      sendJson({ type: 'caption', speaker: caption.speaker, text: caption.text, final: caption.final });
    },
    sendControl(message) {
      sendJson(message);
    },
    close(reason) {
      finish(reason, 1000);
    },
    stats: () => ({ ...counts }),
  };
}
