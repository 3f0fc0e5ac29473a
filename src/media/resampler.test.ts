import { describe, expect, it } from 'vitest';
import { ResamplerError, StreamingResampler, resampleAll } from './resampler';
import { samplesPerFrame, concatSamples } from './frame';
import { chunks, rms, seededRandom, sine } from './testing/signals';

const RATES = [8000, 16000, 24000, 48000];
const PAIRS = RATES.flatMap((a) => RATES.filter((b) => b !== a).map((b) => [a, b] as const));

describe.each(PAIRS)('%i Hz -> %i Hz', (inHz, outHz) => {
  const amplitude = 12000;
  const freqHz = 1000;
  const input = sine(freqHz, amplitude, inHz, samplesPerFrame(inHz) * 150);

  it('turns every 20 ms input frame into exactly one 20 ms output frame', () => {
    const resampler = new StreamingResampler(inHz, outHz);
    for (const samples of chunks(input, samplesPerFrame(inHz))) {
      const out = resampler.processFrame({ samples, sampleRateHz: inHz });
      expect(out.sampleRateHz).toBe(outHz);
      expect(out.samples.length).toBe(samplesPerFrame(outHz));
    }
  });

  it('streams 150 frames with the same result as one-shot resampling (no seams at frame edges)', () => {
    const resampler = new StreamingResampler(inHz, outHz);
    const streamed = concatSamples(chunks(input, samplesPerFrame(inHz)).map((c) => resampler.process(c)));
    const oneShot = resampleAll(input, inHz, outHz);
    expect(streamed.length).toBe(oneShot.length);
    let maxDiff = 0;
    for (let i = 0; i < streamed.length; i++) maxDiff = Math.max(maxDiff, Math.abs((streamed[i] ?? 0) - (oneShot[i] ?? 0)));
    expect(maxDiff).toBeLessThanOrEqual(1); // float summation order only
  });

  it('reproduces the sine (delayed by the filter latency) with no clicks', () => {
    const resampler = new StreamingResampler(inHz, outHz);
    const streamed = concatSamples(chunks(input, samplesPerFrame(inHz)).map((c) => resampler.process(c)));
    const delay = resampler.delayOutputSamples;
    const settle = Math.ceil(delay * 2) + 10;
    let maxErr = 0;
    for (let n = settle; n < streamed.length; n++) {
      const ideal = amplitude * Math.sin((2 * Math.PI * freqHz * (n - delay)) / outHz);
      maxErr = Math.max(maxErr, Math.abs((streamed[n] ?? 0) - ideal));
    }
    expect(maxErr).toBeLessThan(amplitude * 0.01);
    // A click would show as a step larger than the sine's steepest slope.
    const maxStep = (amplitude * 2 * Math.PI * freqHz) / outHz;
    let largestStep = 0;
    for (let n = settle; n < streamed.length; n++) {
      largestStep = Math.max(largestStep, Math.abs((streamed[n] ?? 0) - (streamed[n - 1] ?? 0)));
    }
    expect(largestStep).toBeLessThanOrEqual(maxStep * 1.02 + 2);
  });
});

describe('StreamingResampler', () => {
  it('accepts arbitrary chunk sizes and still matches one-shot output', () => {
    const random = seededRandom(7);
    const input = sine(440, 9000, 8000, 8000);
    const resampler = new StreamingResampler(8000, 24000);
    const parts: Int16Array[] = [];
    for (let i = 0; i < input.length;) {
      const size = 1 + Math.floor(random() * 300);
      parts.push(resampler.process(input.subarray(i, i + size)));
      i += size;
    }
    const streamed = concatSamples(parts);
    const oneShot = resampleAll(input, 8000, 24000);
    expect(streamed.length).toBe(24000);
    let maxDiff = 0;
    for (let i = 0; i < oneShot.length; i++) maxDiff = Math.max(maxDiff, Math.abs((streamed[i] ?? 0) - (oneShot[i] ?? 0)));
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('removes content above the new Nyquist frequency when downsampling (no aliasing)', () => {
    const tone = sine(6000, 16000, 48000, 48000);
    const out = resampleAll(tone, 48000, 8000);
    expect(rms(out.subarray(800)) / rms(tone)).toBeLessThan(10 ** (-50 / 20));
  });

  it('passes identical rates through unchanged', () => {
    const input = sine(300, 5000, 16000, 320);
    expect(Array.from(new StreamingResampler(16000, 16000).process(input))).toEqual(Array.from(input));
  });

  it('handles odd rate pairs such as 22050 Hz files', () => {
    const out = resampleAll(sine(500, 8000, 22050, 22050), 22050, 8000);
    expect(out.length).toBe(8000);
  });

  it('rejects invalid rates and frames at the wrong rate', () => {
    expect(() => new StreamingResampler(0, 8000)).toThrow(ResamplerError);
    expect(() => new StreamingResampler(8000, 8000.5)).toThrow(ResamplerError);
    expect(() => new StreamingResampler(8000, 16000).processFrame({ samples: new Int16Array(480), sampleRateHz: 24000 })).toThrow(
      ResamplerError,
    );
  });
});

// Integer upsampling: the impulse response lands on the output grid, centred on a sample or half-way.
const INTEGER_UP_PAIRS = PAIRS.filter(([inHz, outHz]) => outHz % inHz === 0);

describe.each(INTEGER_UP_PAIRS)('%i Hz -> %i Hz impulse response', (inHz, outHz) => {
  it('is symmetric about the reported delay (each filter phase lines up with its mirror)', () => {
    const resampler = new StreamingResampler(inHz, outHz);
    const impulse = new Int16Array(samplesPerFrame(inHz) * 10);
    impulse[samplesPerFrame(inHz) * 2] = 30000;
    const out = concatSamples(chunks(impulse, samplesPerFrame(inHz)).map((c) => resampler.process(c)));
    // The impulse at input index i0 appears centred at output index i0 * out/in + delay.
    const centre = (samplesPerFrame(inHz) * 2 * outHz) / inHz + resampler.delayOutputSamples;
    let peak = 0;
    for (let n = 0; n < out.length; n++) peak = Math.max(peak, Math.abs(out[n] ?? 0));
    expect(peak).toBeGreaterThan(1000);
    expect(Number.isInteger(centre * 2)).toBe(true);
    let maxAsymmetry = 0;
    for (let d = 0.5 * ((centre * 2) % 2); d < 60; d++) {
      const left = out[Math.round(centre - d)] ?? 0;
      const right = out[Math.round(centre + d)] ?? 0;
      maxAsymmetry = Math.max(maxAsymmetry, Math.abs(left - right));
    }
    expect(maxAsymmetry).toBeLessThanOrEqual(1);
  });
});

describe('StreamingResampler with a short filter (odd tap count)', () => {
  it.each([
    [8000, 16000],
    [8000, 24000],
  ])('%i Hz -> %i Hz still reproduces a sine', (inHz, outHz) => {
    const resampler = new StreamingResampler(inHz, outHz, { zeroCrossings: 5 });
    const input = sine(500, 12000, inHz, samplesPerFrame(inHz) * 20);
    const out = concatSamples(chunks(input, samplesPerFrame(inHz)).map((c) => resampler.process(c)));
    const delay = resampler.delayOutputSamples;
    let maxErr = 0;
    for (let n = Math.ceil(delay * 2) + 10; n < out.length; n++) {
      maxErr = Math.max(maxErr, Math.abs((out[n] ?? 0) - 12000 * Math.sin((2 * Math.PI * 500 * (n - delay)) / outHz)));
    }
    expect(maxErr).toBeLessThan(12000 * 0.01);
  });
});

describe('StreamingResampler over digital silence', () => {
  it.each(PAIRS)('%i Hz -> %i Hz: speech, silence and speech again come out as one-shot resampling does', (inHz, outHz) => {
    // The silent stretch is longer than the filter, so frames inside it take the zero shortcut.
    const frame = samplesPerFrame(inHz);
    const input = concatSamples([
      sine(700, 9000, inHz, frame * 7 + 13),
      new Int16Array(frame * 9),
      sine(1300, 6000, inHz, frame * 5),
      new Int16Array(frame * 3 + 1),
    ]);
    const resampler = new StreamingResampler(inHz, outHz);
    const streamed = concatSamples(chunks(input, frame).map((c) => resampler.process(c)));
    const oneShot = resampleAll(input, inHz, outHz);
    expect(streamed.length).toBe(oneShot.length);
    let maxDiff = 0;
    for (let i = 0; i < streamed.length; i++) maxDiff = Math.max(maxDiff, Math.abs((streamed[i] ?? 0) - (oneShot[i] ?? 0)));
    expect(maxDiff).toBeLessThanOrEqual(1); // float summation order only
    // The filter's tail after the first tone reaches into the silence; deep inside it the output is 0.
    const silentOut = streamed.subarray(Math.round(((frame * 10) / inHz) * outHz), Math.round(((frame * 16) / inHz) * outHz));
    expect(silentOut.every((x) => x === 0)).toBe(true);
  });
});

describe('StreamingResampler output buffers', () => {
  it('returns a fresh array per call, so frames kept by callers are never overwritten', () => {
    const resampler = new StreamingResampler(8000, 16000);
    const first = resampler.process(sine(500, 8000, 8000, 160));
    const kept = Array.from(first);
    resampler.process(sine(900, 3000, 8000, 160));
    expect(Array.from(first)).toEqual(kept);
  });
});
