import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff';

const opts = { baseMs: 1_000, maxMs: 60_000 };

describe('backoffDelayMs', () => {
  it('doubles the ceiling each attempt', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, opts, () => 0.999999))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it('never goes below half the ceiling (jitter keeps the lower half fixed)', () => {
    expect([1, 2, 3].map((a) => backoffDelayMs(a, opts, () => 0))).toEqual([500, 1_000, 2_000]);
  });

  it('spreads retries between half and the whole ceiling', () => {
    expect(backoffDelayMs(3, opts, () => 0.5)).toBe(3_000);
  });

  it('caps at maxMs, even for huge attempt numbers', () => {
    expect(backoffDelayMs(10, opts, () => 0.999999)).toBe(60_000);
    expect(backoffDelayMs(10_000, opts, () => 0)).toBe(30_000);
  });
});
