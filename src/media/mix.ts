import { concatSamples, type AudioFrame } from './frame';
import type { WavAudio } from './wav';

/** Interleaves two mono tracks as L,R,L,R...; the shorter one is padded with silence. */
export function interleaveStereo(left: Int16Array, right: Int16Array): Int16Array {
  const length = Math.max(left.length, right.length);
  const out = new Int16Array(length * 2);
  for (let i = 0; i < length; i++) {
    out[2 * i] = left[i] ?? 0;
    out[2 * i + 1] = right[i] ?? 0;
  }
  return out;
}

/**
 * Call recording as stereo: caller on the left, agent on the right, kept time-aligned by adding
 * one caller frame and one agent frame per 20 ms tick (null = silence on that side).
 */
export class StereoRecorder {
  readonly sampleRateHz: number;
  private readonly caller: Int16Array[] = [];
  private readonly agent: Int16Array[] = [];

  constructor(sampleRateHz: number) {
    this.sampleRateHz = sampleRateHz;
  }

  addTick(callerFrame: AudioFrame | null, agentFrame: AudioFrame | null): void {
    for (const f of [callerFrame, agentFrame]) {
      if (f && f.sampleRateHz !== this.sampleRateHz) {
        throw new RangeError(`recorder runs at ${this.sampleRateHz} Hz, got a ${f.sampleRateHz} Hz frame`);
      }
    }
    const length = Math.max(callerFrame?.samples.length ?? 0, agentFrame?.samples.length ?? 0);
    this.caller.push(padTo(callerFrame?.samples, length));
    this.agent.push(padTo(agentFrame?.samples, length));
  }

  get durationMs(): number {
    return (this.caller.reduce((n, c) => n + c.length, 0) * 1000) / this.sampleRateHz;
  }

  /** Two channels ready for encodeWav. */
  toWavAudio(): WavAudio {
    return { sampleRateHz: this.sampleRateHz, channels: [concatSamples(this.caller), concatSamples(this.agent)] };
  }

  /** Interleaved L/R samples, e.g. for streaming to storage. */
  interleaved(): Int16Array {
    return interleaveStereo(concatSamples(this.caller), concatSamples(this.agent));
  }
}

function padTo(samples: Int16Array | undefined, length: number): Int16Array {
  if (samples && samples.length === length) return samples.slice();
  const out = new Int16Array(length);
  if (samples) out.set(samples);
  return out;
}
