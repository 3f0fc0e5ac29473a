import type { AudioFrame } from './frame';
import { AizuchiError } from '../domain/errors';

/*
 * Hand-rolled polyphase windowed-sinc resampler, on purpose.
 * @alexanderolsen/libsamplerate-js does stream correctly in Node (its `full()` keeps state), but each
 * instance is a separate WASM module with one global converter: measured ~26 MB of reserved linear
 * memory per instance (400 instances = 200 calls x 2 directions -> 10.6 GB external, 713 MB RSS),
 * async creation, and 2-3x the CPU of this FIR per 20 ms frame even with SINC_FASTEST (8 -> 16 kHz,
 * measured side by side). Our ratios are small rationals (8/16/24/48 kHz), where a polyphase FIR
 * gives exact frame sizes, a fixed known latency and synchronous construction.
 */

export class ResamplerError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'resampler_input', cause: options?.cause });
  }
}

export interface ResamplerOptions {
  /** Sinc zero crossings on each side of the centre; more = sharper filter, more CPU. */
  readonly zeroCrossings?: number;
  /** Passband edge as a fraction of the lower Nyquist frequency. */
  readonly rolloff?: number;
}

const MAX_PHASES = 1000; // bounds the coefficient table for odd rate pairs like 22050 -> 8000
const KAISER_BETA = 8; // ~80 dB stopband

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function, for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/**
 * Builds the phase-major coefficient table, each phase stored newest-tap-last so the inner loop walks
 * coefficients and input in the same direction: table[p * taps + j] = h[p + (taps - 1 - j) * up].
 */
function designPolyphase(up: number, down: number, zeroCrossings: number, rolloff: number) {
  const cutoff = (0.5 * rolloff) / Math.max(up, down); // cycles per sample at the upsampled rate
  const taps = Math.ceil((2 * zeroCrossings) / (2 * cutoff) / up);
  const length = taps * up;
  const centre = (length - 1) / 2;
  const i0Beta = besselI0(KAISER_BETA);
  const table = new Float64Array(length);
  for (let k = 0; k < length; k++) {
    const t = k - centre;
    const x = 2 * cutoff * t;
    const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    const r = t / (centre + 1);
    const window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    const p = k % up;
    const j = (k - p) / up;
    table[p * taps + (taps - 1 - j)] = up * 2 * cutoff * sinc * window;
  }
  return { table, taps, groupDelayUpsampled: centre };
}

interface MirrorTables {
  readonly even: Float64Array;
  readonly odd: Float64Array;
  /** Centre coefficient of each phase, used when taps is odd. */
  readonly mid: Float64Array;
}

/** Even/odd parts of phases 0..ceil(up/2)-1 (phase up-1-p is phase p reversed); see interpolate(). */
function splitMirroredPhases(table: Float64Array, taps: number, up: number): MirrorTables {
  const half = taps >> 1;
  const pairs = (up + 1) >> 1;
  const even = new Float64Array(pairs * half);
  const odd = new Float64Array(pairs * half);
  const mid = new Float64Array(pairs);
  for (let k = 0; k < pairs; k++) {
    for (let j = 0; j < half; j++) {
      const front = table[k * taps + j] as number;
      const back = table[k * taps + taps - 1 - j] as number;
      even[k * half + j] = (front + back) / 2;
      odd[k * half + j] = (front - back) / 2;
    }
    mid[k] = table[k * taps + half] as number;
  }
  return { even, odd, mid };
}

function toPcm16(sum: number): number {
  const rounded = Math.round(sum);
  return rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
}

/**
 * Stateful streaming resampler for PCM16 mono. Keep one instance per direction per call: it carries
 * the filter history across calls so chunk boundaries are seamless. Any chunk size is accepted; for
 * 20 ms frames between multiples of 50 Hz every input frame yields exactly one 20 ms output frame.
 */
export class StreamingResampler {
  readonly inputRateHz: number;
  readonly outputRateHz: number;
  /** Filter latency in output samples (the output lags the input by this much). */
  readonly delayOutputSamples: number;
  private readonly up: number;
  private readonly down: number;
  // Float64 rather than Float32: no float->double conversion per load in the hot loop; tables are tiny.
  private readonly table: Float64Array;
  private readonly taps: number;
  /** taps-1 samples of history followed by the current chunk; reused across calls, grown when needed. */
  private work: Float64Array;
  private readonly mirror: MirrorTables | undefined; // only for integer upsampling
  private phase = 0; // position of the next output between inputs, in 1/up steps
  /** Zero samples at the end of the stream so far, capped at taps-1 (the filter's whole history). */
  private zeroTail = 0;

  constructor(inputRateHz: number, outputRateHz: number, options: ResamplerOptions = {}) {
    for (const rate of [inputRateHz, outputRateHz]) {
      if (!Number.isInteger(rate) || rate < 1000 || rate > 192000) {
        throw new ResamplerError(`unsupported sample rate ${rate} Hz (need an integer 1000..192000)`);
      }
    }
    const g = gcd(inputRateHz, outputRateHz);
    this.up = outputRateHz / g;
    this.down = inputRateHz / g;
    if (this.up > MAX_PHASES) {
      throw new ResamplerError(`rate pair ${inputRateHz} -> ${outputRateHz} Hz needs too many filter phases`);
    }
    this.inputRateHz = inputRateHz;
    this.outputRateHz = outputRateHz;
    const design = designPolyphase(this.up, this.down, options.zeroCrossings ?? 10, options.rolloff ?? 0.92);
    this.table = design.table;
    this.taps = design.taps;
    this.delayOutputSamples = design.groupDelayUpsampled / this.down;
    if (this.down === 1) this.mirror = splitMirroredPhases(this.table, this.taps, this.up);
    // Room for one 20 ms frame at the input rate up front; larger chunks grow it once.
    this.work = new Float64Array(this.taps - 1 + Math.ceil(inputRateHz / 50));
  }

  /**
   * Resamples the next chunk of the stream. Output length varies by at most one sample between calls.
   * The returned array is new on every call (callers keep frames, e.g. recordings and queues).
   */
  process(input: Int16Array): Int16Array {
    if (this.up === this.down) return input.slice();
    const histLen = this.taps - 1;
    const { up, down } = this;
    const outCount = Math.floor((input.length * up - this.phase + down - 1) / down);
    const silent = isSilent(input);
    if (silent && this.zeroTail >= histLen) {
      // Digital silence after a silent history: every output is exactly 0, so skip the filter (an idle
      // agent's frames, a muted or G.711-silent caller). The history in `work` is already all zeros.
      this.phase = this.phase + outCount * down - input.length * up;
      return new Int16Array(outCount);
    }
    this.zeroTail = silent ? Math.min(histLen, this.zeroTail + input.length) : trailingZeros(input);
    const needed = histLen + input.length;
    if (this.work.length < needed) {
      const grown = new Float64Array(needed);
      grown.set(this.work.subarray(0, histLen));
      this.work = grown;
    }
    const work = this.work;
    work.set(input, histLen); // Int16 -> Float64 once per chunk, natively

    const out = new Int16Array(outCount);
    if (down === 1) this.interpolate(work, input.length, out);
    else if (up === 1) this.decimate(work, out);
    else this.general(work, out);
    this.phase = this.phase + outCount * down - input.length * up;
    // Keep the last taps-1 samples as the next call's history (memmove; ranges may overlap).
    work.copyWithin(0, input.length, needed);
    return out;
  }

  /**
   * Integer upsampling (1:2, 1:3, 1:6): every input sample yields `up` outputs, one per phase. Phase p
   * and phase up-1-p are mirror images (the prototype filter is symmetric), so one pass computes both
   * from the even and odd parts of phase p: E = sum e*(a+b), O = sum o*(a-b), outputs E+O and E-O.
   * That is half the multiplies of two plain dot products.
   */
  private interpolate(work: Float64Array, inputLength: number, out: Int16Array): void {
    const { taps, up } = this;
    const { even: mirrorEven, odd: mirrorOdd, mid: mirrorMid } = this.mirror as MirrorTables;
    const half = taps >> 1;
    const odd = taps & 1;
    const pairs = (up + 1) >> 1;
    let written = 0;
    for (let newest = 0; newest < inputLength; newest++) {
      const last = newest + taps - 1;
      for (let k = 0; k < pairs; k++) {
        const base = k * half;
        let even = 0;
        let oddPart = 0;
        for (let j = 0; j < half; j++) {
          const a = work[newest + j] as number;
          const b = work[last - j] as number;
          even += (mirrorEven[base + j] as number) * (a + b);
          oddPart += (mirrorOdd[base + j] as number) * (a - b);
        }
        if (odd) even += (mirrorMid[k] as number) * (work[newest + half] as number);
        out[written + k] = toPcm16(even + oddPart);
        if (up - 1 - k !== k) out[written + up - 1 - k] = toPcm16(even - oddPart);
      }
      written += up;
    }
  }

  /**
   * Integer downsampling (2:1, 3:1, 6:1): one phase, and its coefficients are symmetric, so pairs of
   * samples equidistant from the centre share one multiply (half the multiplies).
   */
  private decimate(work: Float64Array, out: Int16Array): void {
    const { table, taps, down } = this;
    const half = taps >> 1;
    const odd = taps & 1;
    let first = this.phase; // oldest input of the window, as an index into work
    for (let n = 0; n < out.length; n++) {
      const last = first + taps - 1;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < half; j += 2) {
        s0 += (table[j] as number) * ((work[first + j] as number) + (work[last - j] as number));
        s1 += (table[j + 1] as number) * ((work[first + j + 1] as number) + (work[last - j - 1] as number));
      }
      if (j < half) s0 += (table[j] as number) * ((work[first + j] as number) + (work[last - j] as number));
      if (odd) s1 += (table[half] as number) * (work[first + half] as number);
      out[n] = toPcm16(s0 + s1);
      first += down;
    }
  }

  /** Any other ratio (e.g. 2:3, 22050 -> 8000): phase and input position stepped without division. */
  private general(work: Float64Array, out: Int16Array): void {
    const { table, taps, up, down } = this;
    const stepInputs = Math.floor(down / up);
    const stepPhase = down - stepInputs * up;
    let newest = Math.floor(this.phase / up);
    let p = this.phase - newest * up;
    for (let n = 0; n < out.length; n++) {
      const base = p * taps;
      let s0 = 0;
      let s1 = 0;
      let j = 0;
      for (; j + 1 < taps; j += 2) {
        s0 += (table[base + j] as number) * (work[newest + j] as number);
        s1 += (table[base + j + 1] as number) * (work[newest + j + 1] as number);
      }
      if (j < taps) s0 += (table[base + j] as number) * (work[newest + j] as number);
      out[n] = toPcm16(s0 + s1);
      newest += stepInputs;
      p += stepPhase;
      if (p >= up) {
        p -= up;
        newest++;
      }
    }
  }

  /** Resamples one frame; the input frame's rate must match this resampler's input rate. */
  processFrame(frame: AudioFrame): AudioFrame {
    if (frame.sampleRateHz !== this.inputRateHz) {
      throw new ResamplerError(`frame is ${frame.sampleRateHz} Hz, resampler expects ${this.inputRateHz} Hz`);
    }
    return { samples: this.process(frame.samples), sampleRateHz: this.outputRateHz };
  }
}

function isSilent(samples: Int16Array): boolean {
  for (let i = 0; i < samples.length; i++) if (samples[i] !== 0) return false;
  return true;
}

function trailingZeros(samples: Int16Array): number {
  let n = 0;
  while (n < samples.length && samples[samples.length - 1 - n] === 0) n++;
  return n;
}

/** One-shot resampling of a whole buffer (same filter as the streaming path; output is delayed likewise). */
export function resampleAll(samples: Int16Array, inputRateHz: number, outputRateHz: number): Int16Array {
  return new StreamingResampler(inputRateHz, outputRateHz).process(samples);
}
