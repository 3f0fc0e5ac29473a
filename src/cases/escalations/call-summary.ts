import type { Lang } from '../../domain/lang';

/** One fact the summary states: what was checked and whether it held; `count` where attempts matter. */
export interface SummaryFact {
  check: SummaryCheck;
  /** true: verified; false: checked and did not hold; null: never reached. */
  held: boolean | null;
  count?: number;
  /** Where the answer came from, for recording consent: the request form (the call then never asks) or the call. */
  source?: 'form' | 'call';
}
export type SummaryCheck = 'password_at_request' | 'phone_on_record' | 'right_party' | 'email' | 'code' | 'recording_consent';

export interface CallSummary {
  facts: SummaryFact[];
  /** Calls that ended on the case. */
  calls: number;
  /** Risk flags the agent raised (kinds such as 'third_party'), and the policy's reasons for a person. */
  riskFlags: string[];
  policyReasons: string[];
}

type Event = { kind: string; data: string };

/** What the request form said (cases.recording_consent: 0 when "don't record" was ticked, else 1). */
export interface FormAnswers {
  recordingConsent: boolean;
}

function parse(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * What the agent learned, from the case's own history (the steps' events: agent_* in
 * calls/host-port.ts, `case_opened` in recovery-request.ts, `reset_decision`). The history never
 * holds a code or a spelled address, and this reads only outcomes and counts, so the summary cannot
 * carry either. Recording consent starts from the request form's answer (`form`, when given): a refusal
 * there stands and the call never asks (agent/steps/consent.ts); a consent there holds unless the
 * caller refuses on the call.
 */
export function summarizeCall(history: ReadonlyArray<Event>, form?: FormAnswers): CallSummary {
  let password: boolean | null = null;
  let phone: boolean | null = null;
  let rightParty: boolean | null = null;
  let email: boolean | null = null;
  let emailTries = 0;
  let code: boolean | null = null;
  let wrongCodes = 0;
  let recording: boolean | null = form ? form.recordingConsent : null;
  let recordingSource: 'form' | 'call' | undefined = form ? 'form' : undefined;
  let calls = 0;
  const riskFlags = new Set<string>();
  const policyReasons = new Set<string>();
  for (const e of history) {
    const d = parse(e.data);
    switch (e.kind) {
      case 'case_opened':
        password = d.assurance === 'password_verified';
        if (typeof d.phoneOnRecord === 'boolean') phone = d.phoneOnRecord;
        break;
      case 'agent_right_party_confirmed':
        rightParty = true;
        break;
      case 'agent_right_party_denied':
        rightParty = false;
        break;
      case 'agent_email_checked':
        emailTries++;
        email = d.matches === true || email === true;
        break;
      case 'agent_code_attempt':
        if (d.result === 'ok') code = true;
        else {
          wrongCodes++;
          if (code !== true) code = false;
        }
        break;
      case 'agent_recording_consent':
        recording = d.granted === true;
        recordingSource = 'call';
        break;
      case 'agent_risk_flag':
        if (typeof d.kind === 'string') riskFlags.add(d.kind);
        break;
      case 'reset_decision':
        if (Array.isArray(d.reasons)) for (const r of d.reasons) if (typeof r === 'string') policyReasons.add(r);
        break;
      case 'call_ended':
        calls++;
        break;
    }
  }
  const facts: SummaryFact[] = [
    { check: 'password_at_request', held: password },
    { check: 'phone_on_record', held: phone },
    { check: 'right_party', held: rightParty },
    { check: 'email', held: email, ...(emailTries > 0 ? { count: emailTries } : {}) },
    { check: 'code', held: code, ...(wrongCodes > 0 ? { count: wrongCodes } : {}) },
    { check: 'recording_consent', held: recording, ...(recordingSource ? { source: recordingSource } : {}) },
  ];
  return { facts, calls, riskFlags: [...riskFlags], policyReasons: [...policyReasons] };
}

const CHECK_WORDS: Record<Lang, Record<SummaryCheck, string>> = {
  ja: {
    password_at_request: '依頼時のパスワード',
    phone_on_record: '依頼時の電話番号と登録番号の一致（電話の所持の証明ではありません）',
    right_party: 'ご本人の応答',
    email: 'メールアドレスの確認',
    code: '確認コード',
    recording_consent: '録音への同意',
  },
  en: {
    password_at_request: 'Password at request',
    phone_on_record: 'Phone given at request matches the one on record (not proof of holding it)',
    right_party: 'Account holder answered',
    email: 'Email address check',
    code: 'Verification code',
    recording_consent: 'Recording consent',
  },
};

const HELD_WORDS: Record<
  Lang,
  {
    yes: string;
    no: string;
    none: string;
    tries: (n: number) => string;
    wrong: (n: number) => string;
    form: { yes: string; no: string };
    call: { yes: string; no: string };
  }
> = {
  ja: {
    yes: '確認済み',
    no: '確認できず',
    none: '未確認',
    tries: (n) => `${n}回`,
    wrong: (n) => `誤り${n}回`,
    form: { yes: '依頼フォームで同意', no: '依頼フォームで拒否（通話では確認しません）' },
    call: { yes: '通話で同意', no: '通話で拒否' },
  },
  en: {
    yes: 'verified',
    no: 'not verified',
    none: 'not reached',
    tries: (n) => `${n} tries`,
    wrong: (n) => `${n} wrong`,
    form: { yes: 'given on the request form', no: 'refused on the request form (the call does not ask)' },
    call: { yes: 'given on the call', no: 'refused on the call' },
  },
};

/** One fact as "check: verified (2 tries)" in the operator's language. */
export function factWords(f: SummaryFact, lang: Lang): { label: string; value: string } {
  const w = HELD_WORDS[lang];
  // Consent is given or refused, not "verified": say so, and where.
  const words = f.source ? { ...w, ...w[f.source] } : w;
  const held = f.held === true ? words.yes : f.held === false ? words.no : words.none;
  const extra = f.count === undefined ? '' : ` (${f.check === 'code' ? w.wrong(f.count) : w.tries(f.count)})`;
  return { label: CHECK_WORDS[lang][f.check], value: held + extra };
}
