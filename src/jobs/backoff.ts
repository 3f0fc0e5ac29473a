export interface BackoffOptions {
  /** Delay ceiling after the first failed attempt; doubles each attempt. */
  baseMs: number;
  /** Upper bound on the ceiling. */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 5_000, maxMs: 15 * 60_000 };

/**
 * Exponential backoff with "equal jitter": half the ceiling fixed, half random, so retries of many
 * jobs that failed together spread out but none comes back almost immediately.
 * `attempt` is the attempt that just failed (1-based); `random` returns [0, 1).
 */
export function backoffDelayMs(attempt: number, opts: BackoffOptions, random: () => number): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30));
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
