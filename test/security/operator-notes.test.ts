import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseService } from '../../src/cases/case-service';
import { createEscalationQueue } from '../../src/cases/escalations/escalation-queue';
import { type FreshStore, openFreshStore } from '../jobs/fresh-store';

/**
 * Issue 10 (notes) against SECURITY.md "no codes in stored text": an operator's note on an
 * escalation is stored as typed and shown to every operator, so it must not become a place where a
 * verification code or a customer's full address is kept. The check refused only ASCII digit runs
 * with at most one space or hyphen between digits, so full-width digits (what a Japanese IME types),
 * dots or slashes between pairs, "1, 2, 3…" and any full email address went straight into the table.
 * Kind: stored free text checked on its surface form instead of what it says. The note is read
 * after NFKC folding, with any separators between digits ignored, and addresses are refused too.
 */
describe('escalation notes that smuggle a code or an address', () => {
  let fresh: FreshStore;
  const clock = { now: () => new Date('2035-12-03T01:00:00Z') };
  let queue: ReturnType<typeof createEscalationQueue>;
  let escalationId = '';

  beforeAll(async () => {
    fresh = await openFreshStore();
    const cases = new CaseService(fresh.store, clock);
    queue = createEscalationQueue({ store: fresh.store, cases, clock, slaMs: 3_600_000 });
    const c = await cases.inTransaction((trx) =>
      cases.open(
        trx,
        {
          account_id: 'acct-notes',
          email: 'owner@example.com',
          phone_e164: '+819012345678',
          phone_on_record: 1,
          lang: 'ja',
          state: 'verifying',
          assurance: 'password_verified',
          consent_at: clock.now().toISOString(),
          consent_version: 'v1',
          recording_consent: 1,
          client_ip_hash: 'ip',
          scheduled_at: null,
          cancel_token_hash: null,
        },
        { assurance: 'password_verified', phoneOnRecord: true },
      ),
    );
    await cases.inTransaction((trx) => cases.transition(trx, c.id, 'escalated', 'call_escalated', { detail: 'caller_request' }));
    escalationId = (await queue.forCase(c.id))!.id;
  });
  afterAll(async () => {
    await fresh?.dispose();
  });

  const smuggled = [
    'コードは４８２９１３でした',
    'code 48.29.13 read out',
    'she said 4, 8, 2, 9, 1, 3',
    'digits 4 8 2 — 9 1 3',
    'she spelled it as 482_913',
    'customer mail is taro.yamada@example.co.jp',
    'mail ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ',
    'メールはtaro@example.comです',
  ];

  it.each(smuggled)('refuses %j and stores nothing', async (text) => {
    await expect(queue.addNote(escalationId, 'op-a', text)).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('keeps ordinary notes: times, the masked address, the last four digits of a phone', async () => {
    const fine = [
      '折り返しは12/03 15:00、本人確認済み',
      't***@example.com 宛てに送付済み',
      'メールはt***@example.comへ',
      'phone ending 5678, call after 18:00',
    ];
    for (const text of fine) await queue.addNote(escalationId, 'op-a', text);
    const stored = (await queue.notes(escalationId)).map((n) => n.text);
    expect([...stored].sort()).toEqual([...fine].sort());
    for (const text of smuggled) expect(stored).not.toContain(text);
  });
});
