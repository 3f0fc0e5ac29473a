import { expect, it } from 'vitest';
import { dualTone, generateDtmf } from './generator';
import { rms } from '../testing/signals';

it('renders tone + gap per digit at the requested rate', () => {
  const out = generateDtmf('12', { durationMs: 50, gapMs: 30, sampleRateHz: 16000 });
  expect(out.length).toBe(2 * (800 + 480));
  expect(rms(out.subarray(800, 1280))).toBe(0);
  expect(rms(out.subarray(0, 800))).toBeGreaterThan(1000);
});

it('sets each tone level in dB relative to a full-scale sine', () => {
  const low = dualTone(697, 1209, 1000, { levelDb: -20, twistDb: -100 });
  expect(rms(low)).toBeCloseTo((32767 * 0.1) / Math.SQRT2, -1);
  const both = dualTone(697, 1209, 1000, { levelDb: -20, twistDb: 0 });
  expect(rms(both)).toBeCloseTo(32767 * 0.1, -1);
});

it('rejects characters that are not DTMF keys', () => {
  expect(() => generateDtmf('12x')).toThrow(/not a DTMF digit/);
});
