import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseRow, CaseService } from '../../src/cases/case-service';
import { type Store, openStore } from '../../src/store/connect';
import { migrateToLatest } from '../../src/store/migrate';
import { dayStartUtc } from '../../src/web/pages/console/console-time';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL, type TempPostgresDatabase, createPostgresDatabase } from '../e2e/support/databases';

/** 230 cases, one a minute from 2035-12-01 00:00 UTC (09:00 JST); every 10th escalated, every 7th failed. */
const SEEDED = 230;
const start = Date.parse('2035-12-01T00:00:00Z');
const seedRow = (i: number): CaseRow => {
  const at = new Date(start + i * 60_000).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    account_id: null,
    email: i % 2 === 0 ? `even.${i}@example.com` : `odd_${i}@example.org`,
    phone_e164: `+8190${String(10_000_000 + i * 7).slice(-8)}`,
    phone_on_record: 1,
    lang: 'ja',
    state: i % 10 === 0 ? 'escalated' : i % 7 === 0 ? 'failed' : 'scheduled',
    assurance: 'low',
    consent_at: at,
    consent_version: 'v1',
    recording_consent: 1,
    client_ip_hash: 'ip',
    scheduled_at: i % 3 === 0 ? null : at,
    call_attempts: 0,
    outcome: i % 7 === 0 && i % 10 !== 0 ? 'verification_failed' : null,
    cancel_token_hash: null,
    created_at: at,
    updated_at: at,
    review_flag: null,
  };
};
const seeded = Array.from({ length: SEEDED }, (_, i) => seedRow(i));
const byNewest = [...seeded].sort((a, b) => b.created_at.localeCompare(a.created_at));

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`case search SQL (${db.name})`, () => {
    let store: Store;
    let cases: CaseService;
    let pgDb: TempPostgresDatabase | undefined;
    let reviewed: CaseRow;

    beforeAll(async () => {
      if (db.name === 'postgres') pgDb = await createPostgresDatabase(TEST_POSTGRES_URL!);
      store = openStore(pgDb?.url ?? 'sqlite::memory:');
      await migrateToLatest(store);
      await store.db.insertInto('cases').values(seeded).execute();
      // One case escalated through the service, so its reason is in the audit log.
      const clock = manualClock(new Date('2035-12-02T00:00:00Z'));
      cases = new CaseService(store, clock);
      const { id: _id, created_at: _c, updated_at: _u, call_attempts: _a, outcome: _o, ...fields } = seedRow(0);
      reviewed = await cases.inTransaction((trx) =>
        cases.open(trx, { ...fields, email: 'Review.Me@example.net', phone_e164: '+818011112222', state: 'requested' }, {}),
      );
      await cases.inTransaction((trx) =>
        cases.transition(trx, reviewed.id, 'escalated', 'needs_review', { reason: 'phone_not_on_record' }),
      );
    });
    afterAll(async () => {
      await store?.close();
      await pgDb?.drop();
    });

    it('pages past 200 with a total and no row lost or repeated', async () => {
      const seen: string[] = [];
      let page = 1;
      for (;;) {
        const r = await cases.search({ pageSize: 100, page, createdBefore: '2035-12-02T00:00:00.000Z' });
        expect(r.total).toBe(SEEDED);
        expect(r.pages).toBe(3);
        seen.push(...r.rows.map((x) => x.id));
        if (page === r.pages) break;
        page += 1;
      }
      expect(seen).toEqual(byNewest.map((x) => x.id));
      // A page past the end is clamped to the last one, not an empty screen.
      const past = await cases.search({ pageSize: 100, page: 99, createdBefore: '2035-12-02T00:00:00.000Z' });
      expect([past.page, past.rows.length]).toEqual([3, 30]);
    });

    it('finds by the last 4 digits of the phone and by whole parts of the email, case-insensitively and with LIKE characters literal', async () => {
      const target = seeded[123]!;
      const last4 = target.phone_e164.slice(-4);
      const byPhone = await cases.search({ phoneEndsWith: last4 });
      expect(byPhone.rows.map((r) => r.id)).toContain(target.id);
      expect(byPhone.rows.every((r) => r.phone_e164.endsWith(last4))).toBe(true);
      expect(byPhone.total).toBe(seeded.filter((r) => r.phone_e164.endsWith(last4)).length);
      // Only the last 4 of what was typed count: more digits would tell the masked ones.
      expect((await cases.search({ phoneEndsWith: `9${last4}` })).total).toBe(byPhone.total);

      expect((await cases.search({ emailPart: 'REVIEW.me' })).rows.map((r) => r.id)).toEqual([reviewed.id]);
      expect((await cases.search({ emailPart: 'review.me@EXAMPLE.net' })).rows.map((r) => r.id)).toEqual([reviewed.id]);
      expect((await cases.search({ emailPart: 'example.net' })).rows.map((r) => r.id)).toEqual([reviewed.id]);
      expect((await cases.search({ emailPart: '@example.net' })).rows.map((r) => r.id)).toEqual([reviewed.id]);
      expect((await cases.search({ emailPart: 'review' })).total).toBe(0);
      expect(reviewed.reference).toMatch(/^\d{6}$/);
      expect((await cases.search({ reference: reviewed.reference! })).rows.map((r) => r.id)).toEqual([reviewed.id]);
      const underscore = await cases.search({ emailPart: 'odd_1', pageSize: 200 });
      expect(underscore.total).toBe(seeded.filter((r) => r.email.startsWith('odd_1@')).length);
      // '_' is a literal underscore, not "any character" ('odd_1' would match 'oddx1' otherwise).
      expect((await cases.search({ emailPart: 'odd_' })).total).toBe(0);
      expect((await cases.search({ emailPart: 'example.%' })).total).toBe(0);
      expect((await cases.search({ emailPart: '%' })).total).toBe(0);
    });

    it('filters by state, reason and a created-date range in the business time zone', async () => {
      expect((await cases.search({ state: 'escalated' })).total).toBe(seeded.filter((r) => r.state === 'escalated').length + 1);
      // Reason: the outcome column or an event of that kind in the history.
      expect((await cases.search({ reason: 'verification_failed' })).total).toBe(
        seeded.filter((r) => r.outcome === 'verification_failed').length,
      );
      expect((await cases.search({ reason: 'needs_review' })).rows.map((r) => r.id)).toEqual([reviewed.id]);
      // 2035-12-01 in Tokyo is 2035-11-30T15:00Z … 2035-12-01T15:00Z: every seeded case (09:00–12:49 JST).
      const tz = 'Asia/Tokyo';
      const dec1 = await cases.search({ createdFrom: dayStartUtc('2035-12-01', tz), createdBefore: dayStartUtc('2035-12-01', tz, 1) });
      expect(dec1.total).toBe(SEEDED);
      // 2035-12-02 JST starts at 2035-12-01T15:00Z: only the case opened at 2035-12-02T00:00Z.
      const dec2 = await cases.search({ createdFrom: dayStartUtc('2035-12-02', tz), createdBefore: dayStartUtc('2035-12-02', tz, 1) });
      expect(dec2.rows.map((r) => r.id)).toEqual([reviewed.id]);
    });

    it('sorts by any offered column, empty values last in both directions, ties by id', async () => {
      const asc = await cases.search({ sort: 'scheduled_at', dir: 'asc', pageSize: 200, createdBefore: '2035-12-02T00:00:00.000Z' });
      const desc = await cases.search({
        sort: 'scheduled_at',
        dir: 'desc',
        pageSize: 200,
        page: 2,
        createdBefore: '2035-12-02T00:00:00.000Z',
      });
      expect(asc.rows[0]!.scheduled_at).toBe(seeded[1]!.scheduled_at);
      expect(desc.rows.every((r) => r.scheduled_at === null)).toBe(true);
      const byState = await cases.search({ sort: 'state', dir: 'asc', pageSize: 200 });
      const states = byState.rows.map((r) => r.state);
      expect(states).toEqual([...states].sort());
    });

    it("names each failed or escalated case's reason from its audit history", async () => {
      const reasons = await cases.reasons([{ id: reviewed.id, state: 'escalated' }, seeded[1]!]);
      expect(reasons.get(reviewed.id)).toEqual({ kind: 'needs_review', detail: 'phone_not_on_record' });
      expect(reasons.has(seeded[1]!.id)).toBe(false);
    });
  });
}
