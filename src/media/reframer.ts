import { samplesPerFrame, type AudioFrame } from './frame';

/**
 * Turns chunks of any length (network packets, synthesizer output, file reads) into exact 20 ms
 * frames, keeping the remainder for the next push.
 */
export class Reframer {
  readonly sampleRateHz: number;
  private readonly frameSize: number;
  private pending: Int16Array;
  private pendingLength = 0;

  constructor(sampleRateHz: number) {
    const size = samplesPerFrame(sampleRateHz);
    if (!Number.isInteger(size) || size <= 0) {
      throw new RangeError(`${sampleRateHz} Hz has no whole number of samples in 20 ms`);
    }
    this.sampleRateHz = sampleRateHz;
    this.frameSize = size;
    this.pending = new Int16Array(size);
  }

  /** Samples held back waiting for a full frame. */
  get pendingSamples(): number {
    return this.pendingLength;
  }

  /** Cuts `chunk` (any length, may be empty) into whole frames; the rest waits for the next push. */
  push(chunk: Int16Array): AudioFrame[] {
    const frames: AudioFrame[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.frameSize - this.pendingLength, chunk.length - offset);
      this.pending.set(chunk.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === this.frameSize) {
        frames.push({ samples: this.pending, sampleRateHz: this.sampleRateHz });
        this.pending = new Int16Array(this.frameSize);
        this.pendingLength = 0;
      }
    }
    return frames;
  }

  /** Emits the remainder padded with silence (end of stream), or null when nothing is pending. */
  flush(): AudioFrame | null {
    if (this.pendingLength === 0) return null;
    const frame = { samples: this.pending, sampleRateHz: this.sampleRateHz };
    this.pending = new Int16Array(this.frameSize);
    this.pendingLength = 0;
    return frame;
  }
}

/** Splits a whole clip into 20 ms frames, the last zero-padded (copies, so callers may not corrupt the source). */
export function framesOf(samples: Int16Array, sampleRateHz: number): AudioFrame[] {
  const reframer = new Reframer(sampleRateHz);
  const frames = reframer.push(samples);
  const last = reframer.flush();
  return last ? [...frames, last] : frames;
}
