import type { AudioFrame } from '../frame';
import { StreamingResampler } from '../resampler';
import { DTMF_HIGH_HZ, DTMF_LOW_HZ, digitAt, type DtmfDigit } from './tones';

/** One key press: when the tone started and ended, in ms of stream time since the detector began. */
export interface DtmfEvent {
  readonly digit: DtmfDigit;
  readonly startMs: number;
  readonly endMs: number;
}

export interface DtmfDetectorOptions {
  /** Accept tones whose measured frequency is within this fraction of nominal (Q.24: accept 1.5 %, reject 3.5 %). */
  readonly maxFrequencyDeviation?: number;
  /** Allowed high-minus-low level difference in dB: Q.24's +4 / -8 plus ~2 dB for measurement spread. */
  readonly maxTwistDb?: number;
  readonly minReverseTwistDb?: number;
  /** Strongest allowed second harmonic of either tone, dB relative to that tone (music has rich harmonics). */
  readonly maxSecondHarmonicDb?: number;
  /** Weakest accepted tone, dB relative to a full-scale sine. */
  readonly minToneLevelDb?: number;
  /** Share of block energy the two tones must carry; this is what keeps speech and music out. */
  readonly minToneEnergyShare?: number;
}

const RATE_HZ = 8000;
const BLOCK = 80; // 10 ms analysis blocks: fine enough to see 40 ms tones and 40 ms pauses
const BLOCK_MS = (BLOCK * 1000) / RATE_HZ;
const FREQS = [...DTMF_LOW_HZ, ...DTMF_HIGH_HZ];
const START_BLOCKS = 2; // valid blocks (each compared with its predecessor) ≈ 30-40 ms of tone
const END_BLOCKS = 3; // consecutive non-matching blocks that end a key press ≈ 30-40 ms of pause

/** Acceptance limits for one block; a held key is judged against looser ones (hysteresis). */
interface Limits {
  readonly maxDeviation: number;
  readonly maxTwistDb: number;
  readonly minTwistDb: number;
  readonly minTonePower: number;
  readonly minShare: number;
  readonly maxHarmonicRatio: number;
}

/*
 * Hysteresis: a key already held stays held while its two tones remain clearly present under these
 * looser limits. Without it, a press sitting at the edge of a limit (level at the floor, 6 dB twist,
 * ±2.2 % frequency, noise as loud as the tone) flickers across the limit every few blocks and one
 * 0.5 s press came out as `111111`. The loose limits stay inside Q.24's reject band (3.5 %).
 */
const HOLD_DEVIATION = 0.034;
const HOLD_TWIST_MARGIN_DB = 4;
const HOLD_LEVEL_MARGIN_DB = 8;
const HOLD_SHARE = 0.3;
const HOLD_HARMONIC_MARGIN_DB = 6;

interface ActiveDigit {
  digit: DtmfDigit;
  startBlock: number;
  lastBlock: number;
  misses: number;
}

/**
 * Goertzel DTMF detector (hand-rolled: no maintained npm package does Q.24-grade detection).
 * Works on 10 ms blocks at 8 kHz (other rates are resampled). Each block computes the complex
 * Goertzel output at the eight DTMF frequencies; the phase advance between consecutive blocks
 * measures each tone's true frequency, which gives the sharp ±1.5 % / 3.5 % boundary that plain
 * energy ratios on short blocks cannot. The cost is 8 multiply-adds per sample.
 */
export class DtmfDetector {
  private readonly strict: Limits;
  private readonly hold: Limits;
  private readonly coeff = new Float64Array(FREQS.length);
  private readonly cosW = new Float64Array(FREQS.length);
  private readonly sinW = new Float64Array(FREQS.length);
  private readonly expectedAdvance = new Float64Array(FREQS.length);
  private readonly prevRe = new Float64Array(FREQS.length);
  private readonly prevIm = new Float64Array(FREQS.length);
  private readonly curRe = new Float64Array(FREQS.length);
  private readonly curIm = new Float64Array(FREQS.length);
  private readonly power = new Float64Array(FREQS.length);
  private readonly prevPower = new Float64Array(FREQS.length);
  private readonly blockSamples = new Float64Array(BLOCK);
  /** The last block, when it was too quiet to hold a tone and its Goertzel outputs are not computed yet. */
  private readonly quietSamples = new Float64Array(BLOCK);
  private previousDeferred = false;
  /** Block energy (sum of squares) below which no tone can pass either limits; see quietBlockEnergy(). */
  private readonly quietEnergy: number;
  private readonly offsetHz = new Float64Array(FREQS.length);
  private readonly harmonicCos = new Float64Array(FREQS.length * BLOCK);
  private readonly harmonicSin = new Float64Array(FREQS.length * BLOCK);
  private sum = 0;
  private sumSquares = 0;
  private inBlock = 0;
  private block = 0;
  private resampler: StreamingResampler | undefined;
  private delayMs = 0;
  private runDigit: DtmfDigit | null = null;
  private runLength = 0;
  private runStartBlock = 0;
  private runLastBlock = -10;
  private active: ActiveDigit | null = null;

  constructor(options: DtmfDetectorOptions = {}) {
    const minAmp = 32767 * 10 ** ((options.minToneLevelDb ?? -38) / 20);
    this.strict = {
      maxDeviation: options.maxFrequencyDeviation ?? 0.022,
      maxTwistDb: options.maxTwistDb ?? 6,
      minTwistDb: options.minReverseTwistDb ?? -10,
      minTonePower: (minAmp * minAmp) / 2,
      minShare: options.minToneEnergyShare ?? 0.8,
      maxHarmonicRatio: 10 ** ((options.maxSecondHarmonicDb ?? -15) / 10),
    };
    this.hold = {
      maxDeviation: Math.max(this.strict.maxDeviation, HOLD_DEVIATION),
      maxTwistDb: this.strict.maxTwistDb + HOLD_TWIST_MARGIN_DB,
      minTwistDb: this.strict.minTwistDb - HOLD_TWIST_MARGIN_DB,
      minTonePower: this.strict.minTonePower * 10 ** (-HOLD_LEVEL_MARGIN_DB / 10),
      minShare: Math.min(this.strict.minShare, HOLD_SHARE),
      maxHarmonicRatio: this.strict.maxHarmonicRatio * 10 ** (HOLD_HARMONIC_MARGIN_DB / 10),
    };
    this.quietEnergy = quietBlockEnergy(Math.min(this.strict.minTonePower, this.hold.minTonePower), this.hold.maxDeviation);
    FREQS.forEach((f, k) => {
      const w = (2 * Math.PI * f) / RATE_HZ;
      this.coeff[k] = 2 * Math.cos(w);
      this.cosW[k] = Math.cos(w);
      this.sinW[k] = Math.sin(w);
      this.expectedAdvance[k] = w * BLOCK;
      for (let n = 0; n < BLOCK; n++) {
        this.harmonicCos[k * BLOCK + n] = Math.cos(2 * w * n);
        this.harmonicSin[k * BLOCK + n] = Math.sin(2 * w * n);
      }
    });
  }

  /** The key being held right now (already past the minimum duration), e.g. to barge in early. */
  get activeDigit(): DtmfDigit | null {
    return this.active?.digit ?? null;
  }

  /** Feeds one frame (any rate); returns key presses that ended within it. */
  process(frame: AudioFrame): DtmfEvent[] {
    let samples = frame.samples;
    if (frame.sampleRateHz !== RATE_HZ) {
      if (this.resampler?.inputRateHz !== frame.sampleRateHz) {
        this.resampler = new StreamingResampler(frame.sampleRateHz, RATE_HZ);
        this.delayMs = (this.resampler.delayOutputSamples * 1000) / RATE_HZ;
      }
      samples = this.resampler.process(samples);
    }
    const events: DtmfEvent[] = [];
    const block = this.blockSamples;
    let i = 0;
    while (i < samples.length) {
      // Up to the end of the current block with the sums in locals; the filters run per block.
      const end = Math.min(samples.length, i + BLOCK - this.inBlock);
      let at = this.inBlock;
      let sum = this.sum;
      let sumSquares = this.sumSquares;
      for (; i < end; i++) {
        const x = samples[i] as number;
        block[at++] = x;
        sum += x;
        sumSquares += x * x;
      }
      this.sum = sum;
      this.sumSquares = sumSquares;
      this.inBlock = at;
      if (at === BLOCK) this.endBlock(events);
    }
    return events;
  }

  /** Ends the stream: reports a key still held. */
  flush(): DtmfEvent[] {
    if (!this.active) return [];
    const event = this.toEvent(this.active);
    this.active = null;
    return [event];
  }

  private endBlock(events: DtmfEvent[]): void {
    if (this.sumSquares < this.quietEnergy) {
      // Too quiet to hold a tone under either limits: classify() would answer null, so skip the
      // Goertzel filters (digital silence, a quiet line). The next block still compares its phase and
      // level with this one's, so keep the samples and compute them then, only if it is needed.
      this.quietSamples.set(this.blockSamples);
      this.previousDeferred = true;
      this.track(null, events);
    } else {
      if (this.previousDeferred) this.goertzel(this.quietSamples, this.prevRe, this.prevIm, this.prevPower);
      this.previousDeferred = false;
      const power = this.power;
      this.goertzel(this.blockSamples, this.curRe, this.curIm, power);
      const acEnergy = this.sumSquares - (this.sum * this.sum) / BLOCK;
      let candidate = this.classify(power, acEnergy, this.strict);
      // A held key keeps going on the looser limits, but only as the same key.
      if (candidate === null && this.active && this.classify(power, acEnergy, this.hold) === this.active.digit) {
        candidate = this.active.digit;
      }
      this.track(candidate, events);
      this.prevRe.set(this.curRe);
      this.prevIm.set(this.curIm);
      this.prevPower.set(power);
    }
    this.sum = 0;
    this.sumSquares = 0;
    this.inBlock = 0;
    this.block++;
  }

  /**
   * The complex Goertzel output and power of one 10 ms block at the eight frequencies. One frequency
   * at a time over the stored block, with the filter state in locals (the same operations in the same
   * order as sample by sample, so the same values, at about half the cost of per-sample array state).
   */
  private goertzel(samples: Float64Array, re: Float64Array, im: Float64Array, power: Float64Array): void {
    for (let k = 0; k < 8; k++) {
      const coeff = this.coeff[k] as number;
      let s1 = 0;
      let s2 = 0;
      for (let n = 0; n < BLOCK; n++) {
        const s = (samples[n] as number) + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
      }
      re[k] = s1 - (this.cosW[k] as number) * s2;
      im[k] = (this.sinW[k] as number) * s2;
      power[k] = (re[k] as number) ** 2 + (im[k] as number) ** 2;
    }
  }

  /** Returns the digit this block shows, or null. */
  private classify(power: Float64Array, acEnergy: number, limits: Limits): DtmfDigit | null {
    let low = 0;
    let high = 4;
    for (let k = 1; k < 4; k++) if ((power[k] as number) > (power[low] as number)) low = k;
    for (let k = 5; k < 8; k++) if ((power[k] as number) > (power[high] as number)) high = k;
    const lowEnergy = this.correctedToneEnergy(low, power, limits.maxDeviation);
    const highEnergy = this.correctedToneEnergy(high, power, limits.maxDeviation);
    if (lowEnergy === null || highEnergy === null) return null;
    if (lowEnergy / BLOCK < limits.minTonePower || highEnergy / BLOCK < limits.minTonePower) return null;
    if (lowEnergy + highEnergy < limits.minShare * acEnergy) return null;
    // Leakage between the two tones swings single-block levels by up to ±2.5 dB and its phase
    // rotates from block to block, so twist is judged on this block plus the previous one.
    const lowGain = lowEnergy / (power[low] as number);
    const highGain = highEnergy / (power[high] as number);
    const twistDb =
      10 *
      Math.log10(
        (highGain * ((power[high] as number) + (this.prevPower[high] as number))) /
          (lowGain * ((power[low] as number) + (this.prevPower[low] as number))),
      );
    if (twistDb > limits.maxTwistDb || twistDb < limits.minTwistDb) return null;
    // Only blocks that look like DTMF pay for the harmonic check.
    // 2 x low lands 58-71 Hz from a high-group tone, so that tone's leakage is subtracted first.
    if (this.harmonicEnergy(low, high) > limits.maxHarmonicRatio * lowEnergy) return null;
    if (this.harmonicEnergy(high, null) > limits.maxHarmonicRatio * highEnergy) return null;
    return digitAt(low, high - 4) ?? null;
  }

  /** Block energy at tone k's second harmonic (direct DFT), minus the leakage of tone `interferer`. */
  private harmonicEnergy(k: number, interferer: number | null): number {
    const freqHz = 2 * (FREQS[k] as number);
    const base = k * BLOCK;
    let re = 0;
    let im = 0;
    for (let n = 0; n < BLOCK; n++) {
      const x = this.blockSamples[n] as number;
      re += x * (this.harmonicCos[base + n] as number);
      im -= x * (this.harmonicSin[base + n] as number);
    }
    if (interferer !== null) {
      const f = FREQS[interferer] as number;
      const wk = (2 * Math.PI * f) / RATE_HZ;
      const trueHz = f + (this.offsetHz[interferer] as number);
      // Goertzel output y = e^{iw(N-1)} X; the tone's complex amplitude is X / D(offset).
      const [xr, xi] = rotate(this.curRe[interferer] as number, this.curIm[interferer] as number, -wk * (BLOCK - 1));
      const [dr, di] = dirichlet(trueHz - f);
      const mag = dr * dr + di * di;
      const ar = (xr * dr + xi * di) / mag;
      const ai = (xi * dr - xr * di) / mag;
      const [lr, li] = dirichlet(trueHz - freqHz);
      re -= ar * lr - ai * li;
      im -= ar * li + ai * lr;
    }
    return (2 * (re * re + im * im)) / BLOCK;
  }

  /**
   * Measures tone k's frequency from the phase advance since the previous block; returns its block
   * energy corrected for the off-centre loss, or null when the frequency is out of tolerance.
   */
  private correctedToneEnergy(k: number, power: Float64Array, maxDeviation: number): number | null {
    const re = this.curRe[k] as number;
    const im = this.curIm[k] as number;
    const pr = this.prevRe[k] as number;
    const pi = this.prevIm[k] as number;
    let advance = Math.atan2(im * pr - re * pi, re * pr + im * pi) - (this.expectedAdvance[k] as number);
    advance -= 2 * Math.PI * Math.round(advance / (2 * Math.PI));
    const offsetHz = (advance * RATE_HZ) / (2 * Math.PI * BLOCK);
    const nominalHz = FREQS[k] as number;
    if (Math.abs(offsetHz) > maxDeviation * nominalHz) return null;
    this.offsetHz[k] = offsetHz;
    // Rectangular-window response to a tone offsetHz away from the analysed frequency.
    const x = (Math.PI * offsetHz) / RATE_HZ;
    const gain = x === 0 ? 1 : Math.sin(BLOCK * x) / (BLOCK * Math.sin(x));
    return (2 * (power[k] as number)) / BLOCK / (gain * gain);
  }

  private track(candidate: DtmfDigit | null, events: DtmfEvent[]): void {
    // A run may skip one block (noise, leakage at extreme twist) without restarting.
    if (candidate !== null) {
      if (candidate === this.runDigit && this.block - this.runLastBlock <= 2) {
        this.runLength++;
      } else {
        this.runDigit = candidate;
        this.runLength = 1;
        this.runStartBlock = this.block - 1; // the tone was already present in the block compared against
      }
      this.runLastBlock = this.block;
    } else if (this.block - this.runLastBlock >= 2) {
      this.runDigit = null;
      this.runLength = 0;
    }
    const active = this.active;
    if (active) {
      if (candidate === active.digit) {
        active.lastBlock = this.block;
        active.misses = 0;
      } else if (++active.misses >= END_BLOCKS) {
        events.push(this.toEvent(active));
        this.active = null;
      }
    }
    if (!this.active && this.runDigit !== null && this.runLength >= START_BLOCKS) {
      this.active = { digit: this.runDigit, startBlock: this.runStartBlock, lastBlock: this.block, misses: 0 };
    }
  }

  private toEvent(active: ActiveDigit): DtmfEvent {
    return {
      digit: active.digit,
      startMs: Math.max(0, Math.round(active.startBlock * BLOCK_MS - this.delayMs)),
      endMs: Math.max(0, Math.round((active.lastBlock + 1) * BLOCK_MS - this.delayMs)),
    };
  }
}

/**
 * The block energy (sum of squares of its 80 samples) below which classify() cannot accept a tone.
 * A tone passes only with corrected energy 2|X|^2 / N / gain^2 >= N * minTonePower, where |X|^2 <= N *
 * sum x^2 (Cauchy-Schwarz over the DFT's unit phasors) and gain >= the rectangular window's response
 * at the largest accepted frequency offset (maxDeviation of the highest DTMF tone). Halved as a margin
 * for rounding; about -60 dBFS RMS with the default limits.
 */
function quietBlockEnergy(minTonePower: number, maxDeviation: number): number {
  const x = (Math.PI * maxDeviation * Math.max(...FREQS)) / RATE_HZ;
  const gain = Math.sin(BLOCK * x) / (BLOCK * Math.sin(x));
  return ((minTonePower * BLOCK * gain * gain) / 2) * 0.5;
}

function rotate(re: number, im: number, angle: number): [number, number] {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  return [re * c - im * s, re * s + im * c];
}

/** DFT over one block of a unit complex tone deltaHz away from the analysed frequency. */
function dirichlet(deltaHz: number): [number, number] {
  const x = (Math.PI * deltaHz) / RATE_HZ;
  const magnitude = Math.abs(x) < 1e-12 ? BLOCK : Math.sin(BLOCK * x) / Math.sin(x);
  return rotate(magnitude, 0, x * (BLOCK - 1));
}

/** Convenience for whole buffers (CLI, tests): the digits heard, in order. */
export function detectDtmf(samples: Int16Array, sampleRateHz: number, options?: DtmfDetectorOptions): DtmfEvent[] {
  const detector = new DtmfDetector(options);
  const frameSize = Math.max(1, Math.round(sampleRateHz / 50));
  const events: DtmfEvent[] = [];
  for (let i = 0; i < samples.length; i += frameSize) {
    events.push(...detector.process({ samples: samples.subarray(i, i + frameSize), sampleRateHz }));
  }
  return [...events, ...detector.flush()];
}
