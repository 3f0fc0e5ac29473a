import { samplesPerFrame, type AudioFrame } from '../../../media/frame';
import { Reframer } from '../../../media/reframer';
import { StreamingResampler } from '../../../media/resampler';
import type { AudioChannel } from '../../../channels/audio-channel';
import { AizuchiError } from '../../../domain/errors';

export class ChannelFrameError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'channel_frame', cause: options?.cause });
  }
}

type TextListener = (text: string, source: 'typed' | 'browser-asr', isFinal: boolean) => void;

/**
 * An AudioChannel held in memory, for tests and the benchmark. It behaves like the network ones:
 * listeners fire synchronously in arrival order, frames of the wrong rate or size are refused,
 * nothing is delivered or sent after close, and close fires onClose exactly once (with the reason of
 * whichever side closed first).
 */
export class InMemoryAudioChannel implements AudioChannel {
  readonly kind: string;
  readonly inBandDtmf: boolean;
  readonly sampleRateHz: number;
  /** Agent audio, in the order the playout clock sent it. */
  readonly sent: AudioFrame[] = [];
  readonly captions: { speaker: 'agent' | 'caller'; text: string; final: boolean }[] = [];
  readonly controls: Record<string, unknown>[] = [];
  closedReason: string | null = null;
  /** Keep sent frames (tests) or only count them (benchmark). */
  keepSentFrames = true;
  sentCount = 0;
  private readonly frameListeners: ((frame: AudioFrame) => void)[] = [];
  private readonly dtmfListeners: ((digits: string) => void)[] = [];
  private readonly textListeners: TextListener[] = [];
  private readonly closeListeners: ((reason: string) => void)[] = [];
  private readonly frameSize: number;
  private readonly callerFramer: Reframer;
  private onSent: ((frame: AudioFrame) => void) | undefined;

  /** `inBandDtmf` defaults to true: the in-memory channel stands in for a phone line. */
  constructor(options: { sampleRateHz?: number; kind?: string; inBandDtmf?: boolean; onSent?: (frame: AudioFrame) => void } = {}) {
    this.sampleRateHz = options.sampleRateHz ?? 8000;
    this.inBandDtmf = options.inBandDtmf ?? true;
    this.kind = options.kind ?? 'in-memory';
    this.frameSize = samplesPerFrame(this.sampleRateHz);
    this.callerFramer = new Reframer(this.sampleRateHz);
    this.onSent = options.onSent;
  }

  onFrame(listener: (frame: AudioFrame) => void): void {
    this.frameListeners.push(listener);
  }
  onDtmf(listener: (digits: string) => void): void {
    this.dtmfListeners.push(listener);
  }
  onText(listener: TextListener): void {
    this.textListeners.push(listener);
  }
  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  sendFrame(frame: AudioFrame): void {
    if (this.closedReason !== null) return; // a socket that is gone swallows late frames
    this.checkFrame(frame);
    this.sentCount++;
    if (this.keepSentFrames) this.sent.push(frame);
    this.onSent?.(frame);
  }

  sendCaption(caption: { speaker: 'agent' | 'caller'; text: string; final: boolean }): void {
    if (this.closedReason === null) this.captions.push(caption);
  }

  sendControl(message: Record<string, unknown>): void {
    if (this.closedReason === null) this.controls.push(message);
  }

  close(reason: string): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    for (const fn of this.closeListeners) fn(reason);
  }

  // ---- the caller's side ----

  /** One caller frame arrives from the network. */
  receiveFrame(frame: AudioFrame): void {
    if (this.closedReason !== null) return;
    this.checkFrame(frame);
    for (const fn of this.frameListeners) fn(frame);
  }

  /**
   * Caller audio of any rate and length, cut into 20 ms frames at the channel rate; returns the frames
   * so a test can deliver them one by one (with ticks in between) via receiveFrame.
   */
  framesOf(samples: Int16Array, sampleRateHz: number): AudioFrame[] {
    const atRate = sampleRateHz === this.sampleRateHz ? samples : new StreamingResampler(sampleRateHz, this.sampleRateHz).process(samples);
    return this.callerFramer.push(atRate);
  }

  silenceFrame(): AudioFrame {
    return { samples: new Int16Array(this.frameSize), sampleRateHz: this.sampleRateHz };
  }

  receiveDtmf(digits: string): void {
    if (this.closedReason === null) for (const fn of this.dtmfListeners) fn(digits);
  }

  receiveText(text: string, source: 'typed' | 'browser-asr' = 'typed', isFinal = true): void {
    if (this.closedReason === null) for (const fn of this.textListeners) fn(text, source, isFinal);
  }

  /** The caller hangs up. */
  hangUp(reason = 'remote_hangup'): void {
    this.close(reason);
  }

  private checkFrame(frame: AudioFrame): void {
    if (frame.sampleRateHz !== this.sampleRateHz) {
      throw new ChannelFrameError(`channel runs at ${this.sampleRateHz} Hz, got a ${frame.sampleRateHz} Hz frame`);
    }
    if (frame.samples.length !== this.frameSize) {
      throw new ChannelFrameError(`a 20 ms frame at ${this.sampleRateHz} Hz has ${this.frameSize} samples, got ${frame.samples.length}`);
    }
  }
}
