import { describe, expect, it } from 'vitest';
import type { CallSummary } from '../../../cases/escalations/call-summary';
import type { QueueEntry } from '../../../cases/escalations/escalation-queue';
import type { Lang } from '../../../domain/lang';
import { html } from '../../../html/safe-html';
import { escalationPage } from './escalations-pages';

const mask = { email: () => 'm***@gmail.com', phone: () => '+81 90-****-5678' };
const at = '2026-12-01T13:29:16.000Z';
/** An open escalation held by op-1 whose call took the right code and met the recent-recovery flag. */
function held(): QueueEntry & { summary: CallSummary; notes: [] } {
  const entry = {
    escalation: { id: 'esc-1', reason: 'policy_needs_person', opened_at: at, claimed_by: 'op-1', closed_at: null },
    caseRow: { id: 'case-1', lang: 'ja', state: 'escalated', scheduled_at: at, email: 'x', phone_e164: 'y' },
    msLeft: 3_600_000,
  };
  const summary: CallSummary = {
    facts: [],
    calls: 1,
    riskFlags: ['third_party'],
    policyReasons: ['recent_recovery', 'missing_phone_possession'],
  };
  return { ...(entry as unknown as QueueEntry), summary, notes: [] };
}

// Fresh-user walk (issue 10): on the Japanese escalation page, Claim led back to it in English (its
// forms posted without ?lang), the policy's reasons were codes (recent_recovery) and Email/Phone were English.
describe('the escalation page in the operator language', () => {
  it.each([
    ['ja', '30日以内に同じアカウントの別の依頼、不足: 登録済み電話番号への発信', '<th>メール</th>'],
    ['en', 'another request for the account in 30 days, missing: a call to the number on record', '<th>Email</th>'],
  ] as Array<[Lang, string, string]>)('%s: forms keep the language, reasons in words', (lang, reasons, emailHead) => {
    const out = escalationPage(held(), {
      lang,
      timeZone: 'Asia/Tokyo',
      mask,
      me: 'op-1',
      csrfField: html`<input type="hidden" name="_csrf" value="t">`,
      holderActions: true,
    });
    const actions = [...out.matchAll(/<form method="post" action="([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((a) => a.startsWith('/console/escalations/'));
    expect(actions.map((a) => a.replace(/\?.*/, ''))).toEqual(
      ['release', 'callback', 'close', 'note'].map((p) => `/console/escalations/esc-1/${p}`),
    );
    for (const a of actions) expect(a).toMatch(new RegExp(`\\?lang=${lang}$`));
    expect(/data-testid="policy-reasons">([^<]*)</.exec(out)?.[1]).toBe(reasons);
    expect(out).toContain(emailHead);
    expect(/data-testid="risk-flags">([^<]*)</.exec(out)?.[1]).toBe(
      lang === 'ja' ? 'ご本人以外が代わりに手続きしようとした' : 'someone other than the holder acting for them',
    );
    expect(/data-testid="case-state" data-state="escalated">([^<]*)</.exec(out)?.[1]).toBe(lang === 'ja' ? '担当者へ' : 'escalated');
    expect(/data-testid="holder">([^<]*)</.exec(out)?.[1]).toBe(lang === 'ja' ? 'あなた' : 'you');
    expect(out).toContain(`href="/console/cases/case-1?lang=${lang}"`);
  });
});
