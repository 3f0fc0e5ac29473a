import { IdentityProviderError, IdentityProviderRateLimitedError } from './provider-errors';

/** How an adapter retries a provider call. Every adapter uses withProviderRetries, nothing else retries. */
export interface ProviderRetryOptions {
  /** Tries in all, the first included. Default 4. */
  attempts?: number;
  /** Wait before the second try, doubled for each one after (no jitter: a handful of calls per reset, no herd). Default 250 ms. */
  baseDelayMs?: number;
  /** Cap on one backoff wait. Default 4 s. */
  maxDelayMs?: number;
  /**
   * The longest Retry-After honoured in place. A provider asking for longer gets its error back at
   * once (retryable), so the job queue, not a held request, waits. Default 30 s.
   */
  maxRetryAfterMs?: number;
  /** Waits; a real timer unless a test replaces it. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `call` until it resolves, retrying only IdentityProviderErrors marked `retryable`: exponential
 * backoff (base × 2^n, capped), or the provider's own Retry-After on a 429 when it is longer. Anything
 * else (a permanent provider error, a bug) is rethrown at once, as is the last retryable error. Every
 * call is safe to repeat: adapters only pass reads and idempotent writes (a DELETE of an already
 * deleted factor counts as done).
 */
export async function withProviderRetries<T>(call: () => Promise<T>, options: ProviderRetryOptions = {}): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 4);
  const baseDelayMs = options.baseDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 4000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof IdentityProviderError) || !err.retryable || attempt >= attempts) throw err;
      let delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      if (err instanceof IdentityProviderRateLimitedError && err.retryAfterMs !== undefined) {
        if (err.retryAfterMs > maxRetryAfterMs) throw err;
        delayMs = Math.max(delayMs, err.retryAfterMs);
      }
      await sleep(delayMs);
    }
  }
}
