/** Percentile by nearest rank over a copy of the values (NaN for none). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function summary(values: readonly number[], digits = 1): { p50: number; p95: number } {
  return { p50: round(percentile(values, 50), digits), p95: round(percentile(values, 95), digits) };
}
