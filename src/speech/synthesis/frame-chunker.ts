import { samplesPerFrame, type AudioFrame } from '../../media/frame';

/** Cuts an arbitrary stream of PCM16 samples into exact 20 ms frames; the last one is zero-padded. */
export class FrameChunker {
  private readonly frameSamples: number;
  private pending: Int16Array;
  private pendingLength = 0;

  constructor(readonly sampleRateHz: number) {
    const perFrame = samplesPerFrame(sampleRateHz);
    if (!Number.isInteger(perFrame) || perFrame <= 0) {
      throw new RangeError(`sample rate ${sampleRateHz} Hz does not give whole 20 ms frames`);
    }
    this.frameSamples = perFrame;
    this.pending = new Int16Array(perFrame);
  }

  push(samples: Int16Array): AudioFrame[] {
    const frames: AudioFrame[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(this.frameSamples - this.pendingLength, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === this.frameSamples) {
        frames.push({ samples: this.pending, sampleRateHz: this.sampleRateHz });
        this.pending = new Int16Array(this.frameSamples);
        this.pendingLength = 0;
      }
    }
    return frames;
  }

  /** Emits what is left as one zero-padded frame (or nothing). */
  flush(): AudioFrame[] {
    if (this.pendingLength === 0) return [];
    const frame = { samples: this.pending, sampleRateHz: this.sampleRateHz };
    this.pending = new Int16Array(this.frameSamples);
    this.pendingLength = 0;
    return [frame];
  }
}

/** Splits a whole clip into 20 ms frames (copies, so callers may not corrupt the source). */
export function framesOf(samples: Int16Array, sampleRateHz: number): AudioFrame[] {
  const chunker = new FrameChunker(sampleRateHz);
  return [...chunker.push(samples.slice()), ...chunker.flush()];
}

/** Joins frames back into one sample array. */
export function concatFrames(frames: readonly AudioFrame[]): Int16Array {
  const total = frames.reduce((sum, frame) => sum + frame.samples.length, 0);
  const out = new Int16Array(total);
  let offset = 0;
  for (const frame of frames) {
    out.set(frame.samples, offset);
    offset += frame.samples.length;
  }
  return out;
}
