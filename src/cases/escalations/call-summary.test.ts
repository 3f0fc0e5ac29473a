import { describe, expect, it } from 'vitest';
import { factWords, summarizeCall } from './call-summary';

const ev = (kind: string, data: Record<string, unknown> = {}) => ({ kind, data: JSON.stringify(data) });

describe('summarizeCall', () => {
  it('states what the call verified and what it did not, from the steps’ events', () => {
    const s = summarizeCall([
      ev('case_opened', { assurance: 'password_verified', phoneOnRecord: true }),
      ev('agent_right_party_confirmed', { callId: 'c1' }),
      ev('agent_email_checked', { attempt: 1, matches: false }),
      ev('agent_email_checked', { attempt: 2, matches: true }),
      ev('agent_code_attempt', { attempt: 1, via: 'dtmf', result: 'wrong' }),
      ev('agent_code_attempt', { attempt: 2, via: 'dtmf', result: 'wrong' }),
      ev('agent_risk_flag', { kind: 'contact_change_request' }),
      ev('reset_decision', { decision: 'needs_person', reasons: ['failed_codes', 'privileged_account'] }),
      ev('call_ended', { outcome: 'escalated' }),
    ]);
    expect(s.facts).toEqual([
      { check: 'password_at_request', held: true },
      { check: 'phone_on_record', held: true },
      { check: 'right_party', held: true },
      { check: 'email', held: true, count: 2 },
      { check: 'code', held: false, count: 2 },
      { check: 'recording_consent', held: null },
    ]);
    expect(s).toMatchObject({ calls: 1, riskFlags: ['contact_change_request'], policyReasons: ['failed_codes', 'privileged_account'] });
    expect(factWords(s.facts[4]!, 'en')).toEqual({ label: 'Verification code', value: 'not verified (2 wrong)' });
    expect(factWords(s.facts[3]!, 'ja')).toEqual({ label: 'メールアドレスの確認', value: '確認済み (2回)' });
  });

  it('a request that never reached a call has nothing verified on the phone', () => {
    const s = summarizeCall([ev('case_opened', { assurance: 'low', phoneOnRecord: false })]);
    expect(s.facts.map((f) => f.held)).toEqual([false, false, null, null, null, null]);
    expect(s.calls).toBe(0);
  });

  // Fresh-user walk: a softphone call's summary read "Phone number on record: verified", which an
  // operator takes for proof the caller holds that phone; the fact is only that the number typed on
  // the request form is the one on record (recovery-request.ts phoneOnRecord).
  it('names the phone fact as a match of the number given, not as proof of the phone', () => {
    const fact = summarizeCall([ev('case_opened', { assurance: 'low', phoneOnRecord: true })]).facts[1]!;
    expect(factWords(fact, 'en')).toEqual({
      label: 'Phone given at request matches the one on record (not proof of holding it)',
      value: 'verified',
    });
    expect(factWords(fact, 'ja').label).toBe('依頼時の電話番号と登録番号の一致（電話の所持の証明ではありません）');
  });

  it("recording consent starts from the request form's answer; the call's answer, when asked, replaces it", () => {
    const opened = ev('case_opened', { assurance: 'low', phoneOnRecord: true });
    const consent = (s: ReturnType<typeof summarizeCall>) => s.facts.find((f) => f.check === 'recording_consent')!;
    const refused = consent(summarizeCall([opened, ev('agent_right_party_confirmed')], { recordingConsent: false }));
    expect(refused).toEqual({ check: 'recording_consent', held: false, source: 'form' });
    expect(factWords(refused, 'en').value).toBe('refused on the request form (the call does not ask)');
    expect(factWords(refused, 'ja').value).toBe('依頼フォームで拒否（通話では確認しません）');
    const given = consent(summarizeCall([opened], { recordingConsent: true }));
    expect(given).toEqual({ check: 'recording_consent', held: true, source: 'form' });
    expect(factWords(given, 'en').value).toBe('given on the request form');
    expect(factWords(given, 'ja').value).toBe('依頼フォームで同意');
    const onCall = consent(summarizeCall([opened, ev('agent_recording_consent', { granted: false })], { recordingConsent: true }));
    expect(onCall).toEqual({ check: 'recording_consent', held: false, source: 'call' });
    expect(factWords(onCall, 'en').value).toBe('refused on the call');
    // Without the form's answer (an old caller of this function), an unasked consent is still "not reached".
    expect(factWords(consent(summarizeCall([opened])), 'en').value).toBe('not reached');
  });
});
