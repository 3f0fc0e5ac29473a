import { AizuchiError } from '../domain/errors';
import type { IdentityKind } from './provider';

/**
 * Why a call to an identity provider failed, typed so the reset job and the logs can tell "try again
 * later" from "fix the configuration" without reading messages. `retryable` follows AizuchiError: the
 * job queue gives up at once on `false` (jobs/queue.ts isPermanentJobFailure). Messages never carry
 * the account's email, phone, tokens or the provider's response body (they may hold PII).
 */
export class IdentityProviderError extends AizuchiError {
  readonly provider: IdentityKind;
  /** The HTTP status the provider answered with, when it answered. */
  readonly status: number | undefined;

  constructor(provider: IdentityKind, message: string, options: { code: string; retryable: boolean; status?: number; cause?: unknown }) {
    super(`${provider}: ${message}`, { code: options.code, retryable: options.retryable, cause: options.cause });
    this.provider = provider;
    this.status = options.status;
  }
}

/** The provider could not be reached or answered 5xx / timed out: retrying later may succeed. */
export class IdentityProviderUnavailableError extends IdentityProviderError {
  constructor(provider: IdentityKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(provider, message, { code: 'identity_provider_unavailable', retryable: true, ...options });
  }
}

/**
 * The provider answered 429. `retryAfterMs` is what it asked for (Retry-After seconds or date, Okta's
 * X-Rate-Limit-Reset epoch seconds), when it said; the retry wrapper waits at least that long.
 */
export class IdentityProviderRateLimitedError extends IdentityProviderError {
  readonly retryAfterMs: number | undefined;
  constructor(provider: IdentityKind, retryAfterMs: number | undefined) {
    super(provider, 'rate limited', { code: 'identity_provider_rate_limited', retryable: true, status: 429 });
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * aizuchi's own credentials were refused (401 after a fresh token, 403): a configuration or
 * permission problem a retry cannot fix. The README lists each provider's least-privilege grants.
 */
export class IdentityProviderAuthError extends IdentityProviderError {
  constructor(provider: IdentityKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(provider, message, { code: 'identity_provider_auth', retryable: false, ...options });
  }
}

/** The provider refused the request itself (4xx other than 401/403/404/429) or answered something unreadable. */
export class IdentityProviderRequestError extends IdentityProviderError {
  constructor(provider: IdentityKind, message: string, options: { status?: number; code?: string; cause?: unknown } = {}) {
    super(provider, message, {
      code: options.code ?? 'identity_provider_request',
      retryable: false,
      status: options.status,
      cause: options.cause,
    });
  }
}

/**
 * Reads a 429 answer's wait: `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), else Okta's
 * `X-Rate-Limit-Reset` or Auth0's `x-ratelimit-reset` (epoch seconds when the window resets). Undefined when none is usable.
 */
export function retryAfterMsFrom(headers: Headers, now: Date): number | undefined {
  const retryAfter = headers.get('retry-after')?.trim();
  if (retryAfter) {
    if (/^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now.getTime());
  }
  // Okta spells it X-Rate-Limit-Reset, Auth0 x-ratelimit-reset; both are epoch seconds.
  const reset = (headers.get('x-rate-limit-reset') ?? headers.get('x-ratelimit-reset'))?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - now.getTime());
  return undefined;
}
