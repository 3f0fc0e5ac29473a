import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * SECURITY.md "No enumeration": the API answers in the same time whether or not the account
 * exists — p95 difference under 50 ms. The one timed assertion in the suite, by requirement.
 * Runs with the shipped response floor (AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS default) and only the
 * rate limits raised, so many samples fit.
 */
const SAMPLES_PER_SIDE = 40;
const WARMUP = 4;
const MAX_P95_DIFFERENCE_MS = 50;

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.95) - 1]!;
}

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`recovery request timing (${db.name})`, () => {
    let t: TestServer;
    const known = `timing-known-${db.name}@example.com`;
    const unknown = `timing-unknown-${db.name}@example.com`;
    const phone = '090-1234-5678';

    beforeAll(async () => {
      const high = '100000';
      t = await startTestServer({
        // Saturday 10:00 JST: the known account's requests take the full path (schedule + mail).
        clock: manualClock(new Date('2035-12-01T01:00:00Z')),
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: {
          AIZUCHI_LIMIT_REQUESTS_PER_IP_PER_HOUR: high,
          AIZUCHI_LIMIT_REQUESTS_PER_ACCOUNT_PER_DAY: high,
          AIZUCHI_LIMIT_CALLS_PER_PHONE_PER_DAY: high,
          AIZUCHI_LIMIT_REQUESTS_GLOBAL_PER_HOUR: high,
        },
      });
      await t.services.identity.createAccount({
        email: known,
        password: 'correct horse battery',
        name: 'Pat',
        phone,
        lang: 'en',
        mfa: true,
      });
    });
    afterAll(async () => {
      await t?.stop();
    });

    async function timed(email: string, withPassword: boolean): Promise<number> {
      const payload = { email, phone, lang: 'en', consent: true, ...(withPassword ? { password: 'correct horse battery' } : {}) };
      const started = performance.now();
      const res = await t.server.app.inject({ method: 'POST', url: '/api/v1/recovery-requests', payload });
      const elapsed = performance.now() - started;
      expect(res.statusCode).toBe(202);
      return elapsed;
    }

    it(`p95 for existing vs unknown accounts differs by < ${MAX_P95_DIFFERENCE_MS} ms`, { timeout: 180_000 }, async () => {
      for (let i = 0; i < WARMUP; i++) {
        await timed(known, i % 2 === 0);
        await timed(unknown, i % 2 === 0);
      }
      const existing: number[] = [];
      const missing: number[] = [];
      // Interleaved, and alternating which goes first, so load on the machine falls on both alike.
      for (let i = 0; i < SAMPLES_PER_SIDE; i++) {
        const withPassword = i % 4 < 2;
        if (i % 2 === 0) {
          existing.push(await timed(known, withPassword));
          missing.push(await timed(unknown, withPassword));
        } else {
          missing.push(await timed(unknown, withPassword));
          existing.push(await timed(known, withPassword));
        }
      }
      const difference = Math.abs(p95(existing) - p95(missing));
      console.info(
        `${db.name}: p95 existing ${p95(existing).toFixed(1)} ms, unknown ${p95(missing).toFixed(1)} ms, difference ${difference.toFixed(1)} ms`,
      );
      expect(existing).toHaveLength(SAMPLES_PER_SIDE);
      expect(difference).toBeLessThan(MAX_P95_DIFFERENCE_MS);
      // The requests did what they should, so the timings compare real work.
      expect((await t.services.cases.list({ email: known, limit: 1000 })).every((c) => c.state === 'scheduled')).toBe(true);
      expect((await t.services.cases.list({ email: unknown, limit: 1000 })).every((c) => c.state === 'failed')).toBe(true);
    });
  });
}
