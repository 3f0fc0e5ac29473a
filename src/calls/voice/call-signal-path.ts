import { DtmfDetector } from '../../media/dtmf/detector';
import type { AudioFrame } from '../../media/frame';
import { StreamingResampler } from '../../media/resampler';
import type { VoiceActivityDetector } from '../../media/vad/voice-activity-detector';
import type { MediaLane } from './media-shards';
import { INTERNAL_RATE_HZ } from './voice-bridge-config';

/** What the signal path made of one caller frame. */
export interface AnalysedFrame {
  /** The frame at 16 kHz. */
  readonly internal: AudioFrame;
  readonly probability: number;
  /** Keys whose tone ended in this frame ('' for none) and the key held at its end. */
  readonly keys: string;
  readonly activeDigit: string | null;
}

export interface CallSignalPathOptions {
  readonly channelRateHz: number;
  readonly inBandDtmf: boolean;
  /** The call's media shard; null: the work runs on this thread. */
  readonly lane: MediaLane | null;
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
export class CallSignalPath {
  /** Caller frames received but not yet analysed. */
  backlog = 0;
  maxBacklog = 0;
  /** Settles when every frame received so far has been analysed. */
  inbound: Promise<void> = Promise.resolve();
  private readonly dtmf: DtmfDetector | null;
  private readonly vad: VoiceActivityDetector | null;
  private readonly toInternal: StreamingResampler | null;
  private readonly toChannel: StreamingResampler | null;
  private vadFailed = false;

  constructor(private readonly o: CallSignalPathOptions) {
    const local = !o.lane;
    const resample = local && o.channelRateHz !== INTERNAL_RATE_HZ;
    this.dtmf = local && o.inBandDtmf ? new DtmfDetector() : null;
    this.vad = local ? o.createVad() : null;
    this.toInternal = resample ? new StreamingResampler(o.channelRateHz, INTERNAL_RATE_HZ) : null;
    this.toChannel = resample ? new StreamingResampler(INTERNAL_RATE_HZ, o.channelRateHz) : null;
  }

  /** One caller frame at the channel rate. */
  receive(frame: AudioFrame): void {
    this.backlog++;
    if (this.backlog > this.maxBacklog) this.maxBacklog = this.backlog;
    const lane = this.o.lane;
    if (lane) {
      // A lane settles its frames in the order given (MediaLane), so the newest frame's promise settles
      // last: no chain through the earlier ones is needed, which saves promises on every frame of every call.
      this.inbound = lane.inbound(frame.samples).then(
        (a) =>
          this.deliver(
            {
              internal: { samples: a.internal, sampleRateHz: INTERNAL_RATE_HZ },
              probability: a.probability,
              keys: a.keys,
              activeDigit: a.activeDigit,
            },
            true,
          ),
        () => this.deliverFailed(),
      );
      return;
    }
    const internal: AudioFrame = this.toInternal
      ? { samples: this.toInternal.process(frame.samples), sampleRateHz: INTERNAL_RATE_HZ }
      : frame;
    this.o.onInternal(internal.samples);
    this.inbound = this.inbound.then(() => this.analyseHere(frame, internal));
  }

  /** One agent frame at 16 kHz; `deliver` gets it at the channel rate, in order (later, with a lane). */
  send(samples: Int16Array, deliver: (samples: Int16Array) => void): void {
    const lane = this.o.lane;
    if (lane && this.o.channelRateHz !== INTERNAL_RATE_HZ) {
      lane.outbound(samples).then(
        (s) => (this.o.isClosed() ? undefined : deliver(s)),
        () => undefined,
      );
      return;
    }
    deliver(this.toChannel ? this.toChannel.process(samples) : samples);
  }

  /** Frees the shard's state for this call. */
  close(): void {
    this.o.lane?.close();
  }

  private async analyseHere(frame: AudioFrame, internal: AudioFrame): Promise<void> {
    if (this.o.isClosed()) {
      this.backlog--;
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
    if (this.o.isClosed()) return;
    if (fromShard) this.o.onInternal(frame.internal.samples);
    this.o.onAnalysed(this.vadFailed ? { ...frame, probability: 0 } : frame);
  }

  /** The shard could not analyse a frame (inference failed, or the shard died): no VAD from now on. */
  private deliverFailed(): void {
    this.backlog--;
    if (!this.o.isClosed()) this.failVad();
  }

  private failVad(): void {
    if (this.vadFailed) return;
    this.vadFailed = true;
    this.o.onVadFailed();
  }
}
