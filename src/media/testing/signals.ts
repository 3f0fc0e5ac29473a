/** Deterministic test signals: seeded noise, sines and concatenation. Used only by tests and benches. */

/** mulberry32: tiny seeded PRNG so noisy tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples via Box-Muller. */
export function gaussian(random: () => number): () => number {
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

export function sine(freqHz: number, amplitude: number, sampleRateHz: number, count: number, phase = 0): Int16Array {
  const out = new Int16Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.round(amplitude * Math.sin(phase + (2 * Math.PI * freqHz * i) / sampleRateHz));
  return out;
}

export function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i] ?? 0) ** 2;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** Adds white Gaussian noise so that signal power / noise power equals snrDb. */
export function addNoise(samples: Int16Array, snrDb: number, random: () => number): Int16Array {
  const noiseRms = rms(samples) / 10 ** (snrDb / 20);
  const normal = gaussian(random);
  return samples.map((s) => Math.max(-32768, Math.min(32767, Math.round(s + noiseRms * normal()))));
}

/** Splits samples into consecutive chunks of the given size (last one may be short). */
export function chunks(samples: Int16Array, size: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < samples.length; i += size) out.push(samples.subarray(i, i + size));
  return out;
}

/**
 * The amplitude of one frequency in `samples` (Goertzel, one bin), on the scale of a sine's peak:
 * a full-length sine of amplitude A at `freqHz` gives about A. Tests use it to tell which tone a
 * side of a bridged call received (each side sends its own frequency).
 */
export function toneAmplitude(samples: ArrayLike<number>, freqHz: number, sampleRateHz: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coeff = 2 * Math.cos((2 * Math.PI * freqHz) / sampleRateHz);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const s0 = (samples[i] ?? 0) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / n;
}
