import { describe, expect, it } from 'vitest';
import {
  IdentityProviderAuthError,
  IdentityProviderRateLimitedError,
  IdentityProviderUnavailableError,
  retryAfterMsFrom,
} from './provider-errors';
import { withProviderRetries } from './provider-retry';

/** A call that fails with the given errors in turn, then answers 'ok'; counts its tries. */
function scripted(errors: Error[]) {
  let tries = 0;
  return {
    call: async () => {
      const e = errors[tries++];
      if (e) throw e;
      return 'ok';
    },
    tries: () => tries,
  };
}

describe('withProviderRetries', () => {
  it('retries transient failures with doubling waits, then answers', async () => {
    const waits: number[] = [];
    const s = scripted([new IdentityProviderUnavailableError('keycloak', '503'), new IdentityProviderUnavailableError('keycloak', '503')]);
    expect(await withProviderRetries(s.call, { sleep: async (ms) => void waits.push(ms), baseDelayMs: 100 })).toBe('ok');
    expect(s.tries()).toBe(3);
    expect(waits).toEqual([100, 200]);
  });

  it("waits at least as long as a 429's Retry-After asks", async () => {
    const waits: number[] = [];
    const s = scripted([new IdentityProviderRateLimitedError('okta', 7000)]);
    expect(await withProviderRetries(s.call, { sleep: async (ms) => void waits.push(ms), baseDelayMs: 100 })).toBe('ok');
    expect(waits).toEqual([7000]);
  });

  it('gives a 429 asking for longer than it may hold back at once, for the job queue to wait', async () => {
    const s = scripted([new IdentityProviderRateLimitedError('okta', 120_000)]);
    await expect(withProviderRetries(s.call, { sleep: async () => undefined, maxRetryAfterMs: 30_000 })).rejects.toBeInstanceOf(
      IdentityProviderRateLimitedError,
    );
    expect(s.tries()).toBe(1);
  });

  it('never retries a permanent failure or a foreign error, and stops after the last attempt', async () => {
    const auth = scripted([new IdentityProviderAuthError('keycloak', '403')]);
    await expect(withProviderRetries(auth.call, { sleep: async () => undefined })).rejects.toBeInstanceOf(IdentityProviderAuthError);
    expect(auth.tries()).toBe(1);
    const bug = scripted([new TypeError('x is undefined')]);
    await expect(withProviderRetries(bug.call, { sleep: async () => undefined })).rejects.toBeInstanceOf(TypeError);
    expect(bug.tries()).toBe(1);
    const down = scripted(Array.from({ length: 9 }, () => new IdentityProviderUnavailableError('okta', 'down')));
    await expect(withProviderRetries(down.call, { sleep: async () => undefined, attempts: 3 })).rejects.toBeInstanceOf(
      IdentityProviderUnavailableError,
    );
    expect(down.tries()).toBe(3);
  });
});

describe('retryAfterMsFrom', () => {
  const now = new Date('2026-12-01T00:00:00Z');
  it('reads Retry-After seconds, an HTTP date, or Okta X-Rate-Limit-Reset', () => {
    expect(retryAfterMsFrom(new Headers({ 'retry-after': '12' }), now)).toBe(12_000);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': 'Tue, 01 Dec 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMsFrom(new Headers({ 'x-rate-limit-reset': String(now.getTime() / 1000 + 45) }), now)).toBe(45_000);
    expect(retryAfterMsFrom(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMsFrom(new Headers(), now)).toBeUndefined();
  });
});
