import type { Lang } from '../../domain/lang';

/**
 * Why a case waits for a person. One list for the queue, the case page and the customer mails; the
 * agent's finer reasons (agent/types.ts EscalationReason, call-outcome.ts details) fold into these.
 */
export const ESCALATION_REASONS = [
  'caller_request',
  'operator_takeover',
  'low_assurance',
  'phone_not_on_record',
  'recovery_locked',
  'policy_needs_person',
  'system_error',
  'too_many_attempts',
  'calls_exhausted',
  'wrong_person',
  'risk_flag',
  'contact_change_request',
  'sign_in_unknown',
  'other',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

export function isEscalationReason(v: unknown): v is EscalationReason {
  return typeof v === 'string' && (ESCALATION_REASONS as readonly string[]).includes(v);
}

const WORDS: Record<Lang, Record<EscalationReason, string>> = {
  ja: {
    caller_request: 'お客様が担当者を希望',
    operator_takeover: '担当者が通話を引き継ぎ',
    low_assurance: '本人確認の度合いが低い',
    phone_not_on_record: '登録にない電話番号',
    recovery_locked: '「心当たりがない」の後のご依頼',
    policy_needs_person: 'ポリシーにより担当者の判断が必要',
    system_error: 'システムエラー',
    too_many_attempts: '誤りの回数が上限に達した',
    calls_exhausted: '架電の回数を使い切った',
    wrong_person: '別の方が応答',
    risk_flag: '不審な点あり',
    contact_change_request: '連絡先変更のご希望',
    sign_in_unknown: 'リセット後のサインイン状況が不明',
    other: 'その他',
  },
  en: {
    caller_request: 'Caller asked for a person',
    operator_takeover: 'An operator took the call over',
    low_assurance: 'Low assurance',
    phone_not_on_record: 'Number not on record',
    recovery_locked: 'Request after "this wasn\'t me"',
    policy_needs_person: 'Policy says a person decides',
    system_error: 'System error',
    too_many_attempts: 'Too many wrong attempts',
    calls_exhausted: 'Calls exhausted',
    wrong_person: 'Someone else answered',
    risk_flag: 'Risk flag raised',
    contact_change_request: 'Asked to change contact details',
    sign_in_unknown: 'Sign-in after reset unknown',
    other: 'Other',
  },
};

/** The reason in words, in the operator's language; an unknown value is shown as it is. */
export function reasonWords(reason: string, lang: Lang): string {
  return isEscalationReason(reason) ? WORDS[lang][reason] : reason;
}

/** Agent and intake details that are the same thing under another name. */
const ALIASES: Record<string, EscalationReason> = {
  code_locked: 'too_many_attempts',
  code_send_limit: 'too_many_attempts',
  failed_codes: 'too_many_attempts',
  third_party: 'wrong_person',
  review: 'policy_needs_person',
};

function fold(value: unknown): EscalationReason {
  if (typeof value !== 'string') return 'other';
  return isEscalationReason(value) ? value : (ALIASES[value] ?? 'other');
}

/**
 * The escalation a case change opens, or null when it opens none. Read from the transition's event
 * kind and data as CaseService.transition records them: `needs_review` (recovery-request.ts, `reason`),
 * `call_escalated` / `call_wrong_person` (calls/call-outcome.ts, `detail`), `reset_held`
 * (calls/mfa-reset.ts), and the last unanswered call (`call_abandoned` into `failed`).
 */
export function escalationForChange(to: string, kind: string, data: Record<string, unknown>): EscalationReason | null {
  if (to === 'failed') return kind === 'call_abandoned' ? 'calls_exhausted' : null;
  if (to !== 'escalated') return null;
  switch (kind) {
    case 'needs_review':
      return fold(data.reason);
    case 'call_wrong_person':
      return 'wrong_person';
    case 'reset_held':
      return fold(data.reason);
    default:
      // call_escalated: the agent's reason is the call's detail; a low-assurance request the
      // policy refused on the call is a policy decision.
      return fold(data.detail ?? data.reason);
  }
}
