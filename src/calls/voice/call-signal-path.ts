import { DtmfDetector } from '../../media/dtmf/detector';
import type { AudioFrame } from '../../media/frame';
import { StreamingResampler } from '../../media/resampler';
import type { VoiceActivityDetector } from '../../media/vad/voice-activity-detector';
import type { InboundResult, LaneSink, MediaLane, MediaShardError } from './media-shards';
import { INTERNAL_RATE_HZ } from './voice-bridge-config';

/**
 * What the signal path made of one caller frame: the frame at 16 kHz, the speech probability, keys
 * whose tone ended in it ('' for none) and the key held at its end — on a shard or on this thread.
 */
export type AnalysedFrame = InboundResult;

export interface CallSignalPathOptions {
  readonly channelRateHz: number;
  readonly inBandDtmf: boolean;
  /** Opens the call's lane on a media shard (results go to `sink`); null: the work runs on this thread. */
  readonly openLane: ((sink: LaneSink) => MediaLane) | null;
  /** The call's shard died: its media state is gone. */
  readonly onLost: () => void;
  /** The first caller frame dropped for running too far ahead of the clock (said once per call). */
  readonly onFlood: () => void;
  /** Used only without a lane. */
  readonly createVad: () => VoiceActivityDetector;
  /** Each caller frame at 16 kHz as soon as it exists (the recording's caller lane). */
  readonly onInternal: (samples: Int16Array) => void;
  /** Every caller frame, analysed, in arrival order. */
  readonly onAnalysed: (frame: AnalysedFrame) => void;
  /** VAD stopped working for this call (said once); keys and text go on. */
  readonly onVadFailed: () => void;
  readonly isClosed: () => boolean;
}

/**
 * The signal work of one call: caller frames to 16 kHz, in-band DTMF and VAD; agent frames back to
 * the channel rate. On this thread, or on the call's media shard (VoiceMedia.shards), where results
 * come back asynchronously but in order. Either way the bridge sees the same sequence of analysed
 * frames and of outbound frames.
 */
/**
 * How far ahead of the playout clock a call's caller audio may run on its way to a shard, in
 * frames: 250 = 5 s. The lane gets one frame's allowance per tick of the clock (real time) and may
 * save up to this much; a frame beyond it is dropped. A real line delivers one frame per tick, so it
 * never comes near; a carrier, PBX or RTP source that floods (or replays buffered audio) faster than
 * real time would otherwise queue work without bound on a shard that serves other callers too.
 */
export const LANE_BURST_FRAMES = 250;

export class CallSignalPath implements LaneSink {
  /** Caller frames received but not yet analysed. */
  backlog = 0;
  maxBacklog = 0;
  private readonly lane: MediaLane | null;
  /** Frames received and frames analysed (or failed) so far; results come in receive order. */
  private received = 0;
  private done = 0;
  /** Frames this call may still send to its shard now (a token bucket refilled by tick()). */
  private allowance = LANE_BURST_FRAMES;
  /** Caller frames dropped because the call ran more than LANE_BURST_FRAMES ahead of the clock. */
  dropped = 0;
  /** drained() callers, each waiting for frame number `upTo`. */
  private waiters: { upTo: number; resolve: () => void }[] = [];
  /** Local analysis runs in order through this chain (VAD answers asynchronously). */
  private localChain: Promise<void> = Promise.resolve();
  private readonly dtmf: DtmfDetector | null;
  private readonly vad: VoiceActivityDetector | null;
  private readonly toInternal: StreamingResampler | null;
  private readonly toChannel: StreamingResampler | null;
  private vadFailed = false;

  constructor(private readonly o: CallSignalPathOptions) {
    this.lane = o.openLane?.(this) ?? null;
    this.lane?.onLost(() => o.onLost());
    const local = !this.lane;
    const resample = local && o.channelRateHz !== INTERNAL_RATE_HZ;
    this.dtmf = local && o.inBandDtmf ? new DtmfDetector() : null;
    this.vad = local ? o.createVad() : null;
    this.toInternal = resample ? new StreamingResampler(o.channelRateHz, INTERNAL_RATE_HZ) : null;
    this.toChannel = resample ? new StreamingResampler(INTERNAL_RATE_HZ, o.channelRateHz) : null;
  }

  /** One caller frame at the channel rate. */
  receive(frame: AudioFrame): void {
    if (this.lane) {
      if (this.allowance < 1) {
        if (this.dropped++ === 0) this.o.onFlood();
        return;
      }
      this.allowance--;
    }
    this.received++;
    this.backlog++;
    if (this.backlog > this.maxBacklog) this.maxBacklog = this.backlog;
    const lane = this.lane;
    if (lane) {
      lane.inbound(frame.samples); // the result comes back through analysed()/failed(), in order
      return;
    }
    const internal: AudioFrame = this.toInternal
      ? { samples: this.toInternal.process(frame.samples), sampleRateHz: INTERNAL_RATE_HZ }
      : frame;
    this.o.onInternal(internal.samples);
    this.localChain = this.localChain.then(() => this.analyseHere(frame, internal));
  }

  /** One tick of the playout clock: the lane may take one more caller frame. */
  tick(): void {
    if (this.allowance < LANE_BURST_FRAMES) this.allowance++;
  }

  /** Resolves once every caller frame received so far has been analysed (or failed). */
  drained(): Promise<void> {
    if (this.done >= this.received) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ upTo: this.received, resolve }));
  }

  /** One agent frame at 16 kHz; `deliver` gets it at the channel rate, in order (later, with a lane). */
  send(samples: Int16Array, deliver: (samples: Int16Array) => void): void {
    const lane = this.lane;
    if (lane && this.o.channelRateHz !== INTERNAL_RATE_HZ) {
      lane.outbound(samples, deliver);
      return;
    }
    deliver(this.toChannel ? this.toChannel.process(samples) : samples);
  }

  /** Frees the shard's state for this call. */
  close(): void {
    this.lane?.close();
  }

  /** LaneSink: the shard analysed the oldest frame on its way. */
  analysed(result: InboundResult): void {
    this.deliver(result, true);
  }

  /** LaneSink: the shard could not analyse a frame (inference failed, or the shard died): no VAD from now on. */
  failed(_error: MediaShardError): void {
    this.backlog--;
    if (!this.o.isClosed()) this.failVad();
    this.settle();
  }

  private async analyseHere(frame: AudioFrame, internal: AudioFrame): Promise<void> {
    if (this.o.isClosed()) {
      this.backlog--;
      this.settle();
      return;
    }
    // DTMF before the VAD await, as frames arrive: a held key barges in without waiting for Silero.
    const keys = (this.dtmf?.process(frame) ?? []).map((k) => k.digit).join('');
    const activeDigit = this.dtmf?.activeDigit ?? null;
    let probability = 0;
    if (this.vad && !this.vadFailed) {
      try {
        probability = await this.vad.process(internal);
      } catch {
        this.failVad();
      }
    }
    this.deliver({ internal, probability, keys, activeDigit }, false);
  }

  private deliver(frame: AnalysedFrame, fromShard: boolean): void {
    this.backlog--;
    if (!this.o.isClosed()) {
      if (fromShard) this.o.onInternal(frame.internal.samples);
      this.o.onAnalysed(this.vadFailed ? { ...frame, probability: 0 } : frame);
    }
    this.settle();
  }

  /** One more frame is through: wake drained() callers whose frames are all through. */
  private settle(): void {
    this.done++;
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.upTo <= this.done);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.upTo > this.done);
    for (const w of ready) w.resolve();
  }

  private failVad(): void {
    if (this.vadFailed) return;
    this.vadFailed = true;
    this.o.onVadFailed();
  }
}
