import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log';
import { manualClock } from '../e2e/support/clocks';
import { TEST_POSTGRES_URL, type TempPostgresDatabase, createPostgresDatabase } from '../e2e/support/databases';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/**
 * Issue 11 (attack on the audit chain and the request limiter after the recovery request moved its
 * limits into a short transaction of their own and its audit events to the end of the case's
 * transaction). Two processes on one PostgreSQL, each its own composition root and pool, take
 * recovery requests at once from one client address while a third writer appends lock-first (case
 * notes through the console's CaseService): the per-address limit lets exactly its number through
 * across both processes, and the chain verifies with one link per event, in seq order, no gap.
 * This held when written (a regression guard, not a finding).
 */
const PER_IP = 4;
const REQUESTS = 24;

describe.runIf(Boolean(TEST_POSTGRES_URL))('the audit chain and the request limit with two processes racing', () => {
  const clock = manualClock(new Date('2035-12-03T01:00:00Z'));
  let db: TempPostgresDatabase;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    db = await createPostgresDatabase(TEST_POSTGRES_URL!);
    const env = {
      AIZUCHI_DATABASE_URL: db.url,
      AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0',
      AIZUCHI_LIMIT_REQUESTS_PER_IP_PER_HOUR: String(PER_IP),
    };
    a = await startTestServer({ clock, env });
    // One deployment: the processes share the master key (its data directory), so the limits' HMAC'd buckets are one.
    b = await startTestServer({ clock, env: { ...env, AIZUCHI_DATA_DIR: a.dataDir } });
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await db?.drop();
  });

  it('lets exactly the limit through across both processes and keeps one unbroken chain', async () => {
    const post = (t: TestServer, ip: string, i: number) =>
      t.server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        remoteAddress: ip,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ email: `racer${i}@example.com`, phone: `090-5555-${String(1000 + i)}`, lang: 'en', consent: true }),
      });
    // A case of its own (another address) for the lock-first writers to add notes to.
    expect((await post(b, '198.51.100.98', 99)).statusCode).toBe(202);
    const noted = (await b.services.cases.list({ email: 'racer99@example.com' }))[0]!;
    const requests = Array.from({ length: REQUESTS }, (_, i) => post(i % 2 === 0 ? a : b, '198.51.100.99', i));
    // Lock-first writers of the other process at the same time.
    const notes = Array.from({ length: 10 }, (_, i) =>
      b.services.cases.inTransaction((trx) => b.services.cases.record(trx, noted.id, 'note', { i })),
    );
    const answers = await Promise.all(requests);
    await Promise.all(notes);

    const statuses = answers.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(PER_IP);
    expect(statuses.filter((s) => s === 429)).toHaveLength(REQUESTS - PER_IP);
    const opened = await a.services.store.db
      .selectFrom('cases')
      .select('id')
      .where('email', 'like', 'racer%')
      .where('email', '!=', 'racer99@example.com')
      .execute();
    expect(opened).toHaveLength(PER_IP);

    const verdict = await verifyAuditLog(b.services.store);
    expect(verdict.ok).toBe(true);
    const events = await a.services.store.db.selectFrom('case_events').select(['seq']).orderBy('seq').execute();
    expect(verdict.checked).toBe(events.length);
    expect(events.map((e) => Number(e.seq))).toEqual(events.map((_, i) => i + 1));
    expect((await a.services.cases.history(noted.id)).filter((e) => e.kind === 'note')).toHaveLength(10);
  });
});
