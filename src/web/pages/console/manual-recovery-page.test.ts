import { describe, expect, it } from 'vitest';
import type { CaseRow } from '../../../cases/case-service';
import type { ManualRecovery } from '../../../cases/escalations/manual-recovery';
import { manualReviewPage } from './manual-recovery-page';

const at = '2026-12-01T13:29:16.000Z';
const request = {
  id: 'mr-1',
  escalation_id: 'esc-1',
  case_id: 'case-1',
  state: 'pending',
  privileged: true,
  requested_by: 'op-a',
  requested_at: at,
  expires_at: '2026-12-01T15:29:16.000Z',
  decided_by: null,
  checklist: ['called_number_on_record'],
  note: '',
  failure_reason: null,
  evidence: [
    { kind: 'mailbox_possession', source: 'emailed_code' },
    { kind: 'phone_possession', source: 'operator_checked', item: 'called_number_on_record' },
  ],
} as unknown as ManualRecovery;
const view = (lang: 'ja' | 'en') => ({
  lang,
  timeZone: 'Asia/Tokyo',
  mask: { email: () => 'm***@gmail.com', phone: () => '+81 90-****-5678' },
  me: 'op-b',
  now: new Date(at),
  names: new Map([['op-a', 'Op A']]),
});

describe('the manual recovery review page in the operator language', () => {
  it('names the requester, and the evidence and a privileged account in words (ja), not codes', () => {
    const ja = manualReviewPage(request, { id: 'case-1', email: 'x', phone_e164: 'y' } as unknown as CaseRow, view('ja'));
    expect(/data-testid="requested-by">([^<]*)</.exec(ja)?.[1]).toBe('Op A');
    expect(ja).toContain(' · 特権アカウント');
    const evidence = /data-testid="evidence">([\s\S]*?)<\/ul>/.exec(ja)?.[1] ?? '';
    expect(evidence).toContain('メールで送ったコード（メールで送ったコード）');
    expect(evidence).toContain('登録済み電話番号への発信（オペレーターが確認: ');
    expect(evidence).not.toMatch(/operator_checked|emailed_code|mailbox_possession|privileged/);
    const en = manualReviewPage(request, { id: 'case-1', email: 'x', phone_e164: 'y' } as unknown as CaseRow, view('en'));
    expect(en).toContain('the code sent by mail (code sent by mail)');
  });
});
