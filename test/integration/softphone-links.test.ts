import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CaseService } from '../../src/cases/case-service';
import { caseDraft } from '../../src/cases/testing/case-draft';
import { type Store, openStore } from '../../src/store/connect';
import { migrateToLatest } from '../../src/store/migrate';
import { createSoftphoneLinks } from '../../src/telephony/softphone/softphone-links';

// Here rather than beside softphone-links.ts: it needs a real case, and telephony may not import cases.
describe('softphone links', () => {
  const at = new Date('2035-12-01T01:00:00Z');
  const clock = { now: () => at };
  let store: Store;
  let cases: CaseService;

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await migrateToLatest(store);
    cases = new CaseService(store, clock);
  });
  afterEach(async () => {
    await store.close();
  });

  async function openCase(): Promise<string> {
    const row = await cases.inTransaction((trx) => cases.open(trx, { ...caseDraft('a@example.com', at), lang: 'en' }, {}));
    return row.id;
  }

  it('resolves a live token to its case, language and state as the case service reads them', async () => {
    const links = createSoftphoneLinks({ tokenKey: Buffer.alloc(32, 1), clock, cases });
    const caseId = await openCase();
    const token = await store.db.transaction().execute((trx) => links.issue(trx, caseId, new Date(at.getTime() + 60_000)));
    const { reference } = await cases.require(caseId);
    expect(reference).toMatch(/^\d{6}$/);
    expect(await links.resolve(store.db, token)).toEqual({
      caseId,
      lang: 'en',
      caseState: 'requested',
      outcome: null,
      scheduledAt: null,
      reference,
    });
    await cases.inTransaction((trx) => cases.transition(trx, caseId, 'escalated', 'needs_review'));
    expect(await links.resolve(store.db, token)).toMatchObject({ caseState: 'escalated' });
  });

  it('opens nothing for an expired or unknown token, or when the case lookup finds no case', async () => {
    const caseId = await openCase();
    const links = createSoftphoneLinks({ tokenKey: Buffer.alloc(32, 1), clock, cases });
    const expired = await store.db.transaction().execute((trx) => links.issue(trx, caseId, at));
    expect(await links.resolve(store.db, expired)).toBeNull();
    expect(await links.resolve(store.db, 'A'.repeat(43))).toBeNull();
    const live = await store.db.transaction().execute((trx) => links.issue(trx, caseId, new Date(at.getTime() + 60_000)));
    const noCases = createSoftphoneLinks({ tokenKey: Buffer.alloc(32, 1), clock, cases: { get: async () => undefined } });
    expect(await noCases.resolve(store.db, live)).toBeNull();
  });
});
