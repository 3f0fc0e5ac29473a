import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshStore, openFreshStore } from '../../../test/jobs/fresh-store';
import { CaseService, type CaseRow } from '../../cases/case-service';
import { RateLimiter } from '../../security/rate-limiter';
import { PER_NUMBER_PER_DAY, createReferenceCheck } from './reference-check';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const targets = [
  { name: 'SQLite', url: undefined, enabled: true },
  { name: 'PostgreSQL', url: postgresUrl, enabled: Boolean(postgresUrl) },
];
const CUSTOMER = '+819012345678';
const CEILING = 6;

for (const target of targets) {
  describe.runIf(target.enabled)(`call-in reference check on ${target.name}`, () => {
    let fresh: FreshStore;
    let now = new Date('2035-12-03T01:00:00Z');
    const clock = { now: () => now };
    let cases: CaseService;
    let check: ReturnType<typeof createReferenceCheck>;
    let row: CaseRow;

    beforeAll(async () => {
      fresh = await openFreshStore(target.url);
      cases = new CaseService(fresh.store, clock);
      const limiter = new RateLimiter(fresh.store, clock);
      check = createReferenceCheck({ store: fresh.store, limiter, tokenKey: Buffer.alloc(32, 9), clock, strangerMissesPerHour: CEILING });
      row = await cases.inTransaction(async (trx) => {
        const opened = await cases.open(
          trx,
          {
            account_id: 'acct-1',
            email: 'a@example.com',
            phone_e164: CUSTOMER,
            phone_on_record: 1,
            lang: 'ja',
            state: 'requested',
            assurance: 'password_verified',
            consent_at: now.toISOString(),
            consent_version: 'v1',
            recording_consent: 1,
            client_ip_hash: 'h',
            scheduled_at: null,
            cancel_token_hash: null,
          },
          {},
        );
        await cases.transition(trx, opened.id, 'scheduled', 'callback_scheduled', {}, { scheduled_at: now.toISOString() });
        return opened;
      });
    });
    afterAll(async () => {
      await fresh?.dispose();
    });

    /** A reference that is not the case's (same length, never equal). */
    const wrong = (i: number) => String(100000 + ((Number(row.reference) - 100000 + 1 + i) % 900000));

    it('callers rotating spoofed numbers share one hourly ceiling; the customer on record is never held by it', async () => {
      // Each stranger number misses once: the per-number limit never bites, the line's ceiling does.
      const verdicts: string[] = [];
      for (let i = 0; i < CEILING + 3; i++) verdicts.push((await check(`+8180000000${String(i).padStart(2, '0')}`, wrong(i))).verdict);
      expect(verdicts.slice(0, CEILING)).toEqual(Array(CEILING).fill('no_match'));
      expect(verdicts.slice(CEILING)).toEqual(['locked', 'locked', 'locked']);
      // Even the right reference from a stranger is refused while the ceiling is full (no oracle).
      expect((await check('+818000009999', row.reference!)).verdict).toBe('locked');
      expect((await check(null, row.reference!)).verdict).toBe('locked');

      // The customer calling from the number on record still gets through, and a typo is a plain miss.
      expect((await check(CUSTOMER, wrong(50))).verdict).toBe('no_match');
      const matched = await check(CUSTOMER, row.reference!);
      expect(matched.verdict).toBe('matched');
      expect(matched.row?.id).toBe(row.id);

      // The ceiling is per hour: an hour later strangers may try again.
      now = new Date(now.getTime() + 3_600_001);
      expect((await check('+818000008888', wrong(60))).verdict).toBe('no_match');
    });

    it('one number keeps its own daily limit, and a match does not count against it', async () => {
      now = new Date(now.getTime() + 2 * 3_600_000);
      const from = '+818011112222';
      expect((await check(from, row.reference!)).verdict).toBe('matched');
      const verdicts: string[] = [];
      for (let i = 0; i < PER_NUMBER_PER_DAY + 1; i++) verdicts.push((await check(from, wrong(100 + i))).verdict);
      expect(verdicts).toEqual([...Array(PER_NUMBER_PER_DAY).fill('no_match'), 'locked']);
    });
  });
}
