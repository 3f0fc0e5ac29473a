import type { Clock } from '../domain/clock';
import {
  IdentityProviderAuthError,
  IdentityProviderRateLimitedError,
  IdentityProviderRequestError,
  IdentityProviderUnavailableError,
  retryAfterMsFrom,
} from './provider-errors';
import type { IdentityKind } from './provider';

/** What an HTTP adapter needs to call its provider: fetch (replaceable in tests), a clock, a timeout. */
export interface ProviderHttpOptions {
  fetch?: typeof fetch;
  clock: Clock;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
}

/**
 * One HTTP request to a provider, its failures typed: unreachable, timed out or 5xx →
 * IdentityProviderUnavailableError (retryable); 429 → IdentityProviderRateLimitedError with the
 * provider's wait; 401/403 → IdentityProviderAuthError (an adapter that caches tokens catches a 401
 * first and retries once with a fresh one). Other statuses come back to the caller, which knows what
 * a 404 means for its path. The body of an error answer is never put into a message (it may echo PII).
 */
export async function providerRequest(
  provider: IdentityKind,
  url: string,
  init: RequestInit,
  options: ProviderHttpOptions,
): Promise<Response> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
  } catch (err) {
    throw new IdentityProviderUnavailableError(provider, `${init.method ?? 'GET'} ${pathTemplate(url)} failed to connect or timed out`, {
      cause: err,
    });
  }
  if (response.status === 429) {
    await response.body?.cancel();
    throw new IdentityProviderRateLimitedError(provider, retryAfterMsFrom(response.headers, options.clock.now()));
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new IdentityProviderUnavailableError(provider, `${init.method ?? 'GET'} ${pathTemplate(url)} answered ${response.status}`, {
      status: response.status,
    });
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    throw new IdentityProviderAuthError(
      provider,
      `${init.method ?? 'GET'} ${pathTemplate(url)} refused our credentials (${response.status})`,
      {
        status: response.status,
      },
    );
  }
  return response;
}

/** Reads a JSON answer, typed as the caller expects; an unreadable body is a request error, not a crash. */
export async function providerJson<T>(provider: IdentityKind, response: Response): Promise<T> {
  try {
    return (await response.json()) as T;
  } catch (err) {
    throw new IdentityProviderRequestError(provider, `unreadable JSON answer (${response.status})`, {
      status: response.status,
      cause: err,
    });
  }
}

/** Turns a 4xx the adapter did not expect into a typed, non-retryable error. */
export async function unexpectedStatus(provider: IdentityKind, what: string, response: Response): Promise<never> {
  await response.body?.cancel();
  throw new IdentityProviderRequestError(provider, `${what} answered ${response.status}`, { status: response.status });
}

/** The path with ids and query removed, for messages and logs: ids may be emails in some providers. */
function pathTemplate(url: string): string {
  return new URL(url).pathname
    .split('/')
    .map((part) => (/^[a-z-]+$/i.test(part) ? part : ':id'))
    .join('/');
}
