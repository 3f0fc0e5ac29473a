import { frequenciesOf, isDtmfDigit, type DtmfDigit } from './tones';
import { concatSamples } from '../frame';

export interface DtmfToneOptions {
  /** Tone length per digit. */
  readonly durationMs?: number;
  /** Silence after each digit. */
  readonly gapMs?: number;
  /** Level of the low tone in dB relative to a full-scale sine (0 = clipping edge). */
  readonly levelDb?: number;
  /** High-tone level minus low-tone level ("twist"), in dB. */
  readonly twistDb?: number;
  /** Relative frequency error applied to both tones (0.015 = +1.5 %), for tolerance tests. */
  readonly frequencyDeviation?: number;
  readonly sampleRateHz?: number;
}

const FULL_SCALE = 32767;

/** Renders a dual tone of the given frequencies (any pair, so tests can go off-grid). */
export function dualTone(
  lowHz: number,
  highHz: number,
  durationMs: number,
  options: Pick<DtmfToneOptions, 'levelDb' | 'twistDb' | 'sampleRateHz'> = {},
): Int16Array {
  const sampleRateHz = options.sampleRateHz ?? 8000;
  const lowAmp = FULL_SCALE * 10 ** ((options.levelDb ?? -10) / 20);
  const highAmp = lowAmp * 10 ** ((options.twistDb ?? 0) / 20);
  const count = Math.round((durationMs * sampleRateHz) / 1000);
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    const t = i / sampleRateHz;
    const v = lowAmp * Math.sin(2 * Math.PI * lowHz * t) + highAmp * Math.sin(2 * Math.PI * highHz * t);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}

/** Renders a key sequence such as "12#" as tone + gap per key. */
export function generateDtmf(digits: string, options: DtmfToneOptions = {}): Int16Array {
  const sampleRateHz = options.sampleRateHz ?? 8000;
  const durationMs = options.durationMs ?? 100;
  const gapSamples = Math.round(((options.gapMs ?? 100) * sampleRateHz) / 1000);
  const deviation = 1 + (options.frequencyDeviation ?? 0);
  const parts: Int16Array[] = [];
  for (const digit of digits) {
    if (!isDtmfDigit(digit)) throw new RangeError(`not a DTMF digit: ${JSON.stringify(digit)}`);
    const { lowHz, highHz } = frequenciesOf(digit as DtmfDigit);
    parts.push(dualTone(lowHz * deviation, highHz * deviation, durationMs, options), new Int16Array(gapSamples));
  }
  return concatSamples(parts);
}
