import type { Lang } from '../../../domain/lang';
import { reasonWords } from '../../../cases/escalations/reasons';
import { type SafeHtml, html } from '../../../html/safe-html';

/** The console's words in each language (issue 10: the console in Japanese and English, per operator). */
export const CONSOLE_TEXTS = {
  ja: {
    cases: 'ケース一覧',
    live: 'ライブ通話',
    softphone: '受話（ソフトフォン）',
    escalations: 'エスカレーション',
    charts: '統計',
    settings: '設定',
    sessions: 'セッション',
    mail: 'メール',
    signOut: 'サインアウト',
    signedInAs: (role: string) => `ロール: ${ROLE_WORDS.ja[role] ?? role}`,
    readOnly: '（閲覧のみ）',
    reference: '受付番号',
    emailContains: 'メール（アドレス・@の前・ドメイン）',
    phoneEndsWith: '電話番号（末尾4桁）',
    state: '状態',
    reason: '理由',
    any: 'すべて',
    createdFrom: '作成日（から）',
    createdTo: '作成日（まで）',
    perPage: '表示件数',
    search: '検索',
    refreshOn: (s: number) => `自動更新中（${s}秒ごと）: 停止する`,
    refreshOff: '自動更新を開始',
    pageInfo: (first: number, last: number, total: number, page: number, pages: number) =>
      `${total}件中 ${first}–${last}件 · ${page}/${pages}ページ`,
    prev: '← 前へ',
    next: '次へ →',
    created: '作成',
    updated: '更新',
    callAt: '発信予定',
    email: 'メール',
    phone: '電話番号',
    assurance: '確認レベル',
    needsPerson: '要対応',
    noMatch: '該当するケースはありません。',
    digitsOnly: '受付番号と電話番号（末尾）は数字で入力してください。',
    rememberLang: 'この言語をコンソールの既定にする',
    langSaved: 'コンソールの言語を保存しました。',
    case: 'ケース',
    outcome: '結果',
    onRecord: '（登録済み）',
    notOnRecord: '（未登録）',
    reveal: '表示',
    language: '言語',
    consent: '同意',
    recording: (yes: boolean) => `録音 ${yes ? 'あり' : 'なし'}`,
    callbackAt: 'コールバック予定',
    timeline: 'タイムライン',
    time: '日時',
    event: '出来事',
    who: '実行者',
    details: '詳細',
    chain: 'ハッシュチェーン',
    customer: 'お客様',
    system: 'システム',
    operator: (id: string) => `オペレーター ${id}`,
    cli: 'CLI（管理者）',
    noCase: 'ケースが見つかりません。',
  },
  en: {
    cases: 'Cases',
    live: 'Live calls',
    softphone: 'Take calls',
    escalations: 'Escalations',
    charts: 'Charts',
    settings: 'Settings',
    sessions: 'Sessions',
    mail: 'Mail',
    signOut: 'Sign out',
    signedInAs: (role: string) => `Signed in as ${role}`,
    readOnly: ' (read only)',
    reference: 'Reference',
    emailContains: 'Email (address, name before @, or domain)',
    phoneEndsWith: 'Phone (last 4 digits)',
    state: 'State',
    reason: 'Reason',
    any: 'any',
    createdFrom: 'Created from',
    createdTo: 'Created to',
    perPage: 'Per page',
    search: 'Search',
    refreshOn: (s: number) => `Auto-refresh is on (every ${s} s): turn off`,
    refreshOff: 'Turn on auto-refresh',
    pageInfo: (first: number, last: number, total: number, page: number, pages: number) =>
      `${first}–${last} of ${total} · page ${page} of ${pages}`,
    prev: '← Previous',
    next: 'Next →',
    created: 'Created',
    updated: 'Updated',
    callAt: 'Call at',
    email: 'Email',
    phone: 'Phone',
    assurance: 'Assurance',
    needsPerson: 'Needs a person',
    noMatch: 'No cases match.',
    digitsOnly: 'Reference and phone ending take digits only.',
    rememberLang: 'Make English my console language',
    langSaved: 'Your console language is saved.',
    case: 'Case',
    outcome: 'Outcome',
    onRecord: '(on record)',
    notOnRecord: '(NOT on record)',
    reveal: 'Show',
    language: 'Language',
    consent: 'Consent',
    recording: (yes: boolean) => `recording ${yes ? 'yes' : 'no'}`,
    callbackAt: 'Callback at',
    timeline: 'Timeline',
    time: 'Time',
    event: 'Event',
    who: 'By',
    details: 'Details',
    chain: 'Hash chain',
    customer: 'Customer',
    system: 'System',
    operator: (id: string) => `Operator ${id}`,
    cli: 'CLI (administrator)',
    noCase: 'No such case.',
  },
} as const;

export type ConsoleTexts = (typeof CONSOLE_TEXTS)[Lang];

const ROLE_WORDS: Record<Lang, Record<string, string>> = {
  ja: { viewer: '閲覧者', operator: 'オペレーター', admin: '管理者' },
  en: { viewer: 'viewer', operator: 'operator', admin: 'admin' },
};

/** Case states in words (domain/cases/case-state.ts). */
const STATE_WORDS: Record<Lang, Record<string, string>> = {
  ja: {
    requested: '受付',
    scheduled: '発信予定',
    calling: '発信中',
    verifying: '本人確認中',
    resolved: '完了',
    failed: '失敗',
    escalated: '担当者へ',
    cancelled: '取消',
  },
  en: {},
};

/**
 * Audit event kinds in words, for the timeline and the reason column. The kinds come from the
 * services that write them (cases/*, calls/*, identity web); an unknown kind shows as itself.
 */
const EVENT_WORDS: Record<string, { ja: string; en: string }> = {
  case_opened: { ja: 'ケース作成', en: 'Case opened' },
  callback_scheduled: { ja: 'コールバックを予約', en: 'Callback scheduled' },
  needs_review: { ja: '担当者の確認待ち', en: 'Waiting for a person to review' },
  closed_unknown_account: { ja: 'アカウントなしで終了', en: 'Closed: no such account' },
  operator_approved: { ja: 'オペレーターが承認', en: 'Approved by an operator' },
  cancelled_by_operator: { ja: 'オペレーターが取消', en: 'Cancelled by an operator' },
  cancelled_by_customer: { ja: 'お客様が取消', en: 'Cancelled by the customer' },
  cancelled_on_call: { ja: '通話中にお客様が取消', en: 'Cancelled by the customer on the call' },
  outside_hours_override: { ja: '営業時間外の発信を許可', en: 'Call outside hours allowed' },
  call_started: { ja: '発信開始', en: 'Call started' },
  call_placing: { ja: '発信中', en: 'Placing the call' },
  call_placed: { ja: '発信済み', en: 'Call placed' },
  call_place_retry: { ja: '発信を再試行', en: 'Retrying the call' },
  call_link_issued: { ja: '通話リンクを発行', en: 'Call link issued' },
  call_connected: { ja: '通話接続', en: 'Call connected' },
  call_ended: { ja: '通話終了', en: 'Call ended' },
  recording_played: { ja: '録音を再生', en: 'Recording played' },
  contact_revealed: { ja: '連絡先を全桁表示', en: 'Contact details shown in full' },
  call_escalated: { ja: '通話から担当者へ', en: 'Call handed to a person' },
  call_wrong_person: { ja: '別人が応答', en: 'Someone else answered' },
  call_abandoned: { ja: '通話が途中で終了', en: 'Call abandoned' },
  callback_requested: { ja: 'お客様がかけ直しを希望', en: 'Customer asked to be called back' },
  code_sent: { ja: '確認コードを送信', en: 'Code sent' },
  code_verified: { ja: '確認コード一致', en: 'Code verified' },
  code_rejected: { ja: '確認コード不一致', en: 'Code rejected' },
  code_expired: { ja: '確認コード期限切れ', en: 'Code expired' },
  code_send_refused: { ja: 'コード送信を拒否', en: 'Code not sent' },
  account_code_locked: { ja: 'コード入力をロック', en: 'Code entry locked' },
  verification_failed: { ja: '本人確認に失敗', en: 'Verification failed' },
  reset_scheduled: { ja: 'リセットを予約', en: 'Reset queued' },
  reset_step: { ja: 'リセット手順', en: 'Reset step' },
  reset_incomplete: { ja: 'リセット未完了', en: 'Reset incomplete' },
  reset_held: { ja: 'リセット保留', en: 'Reset held' },
  reset_abandoned: { ja: 'リセットの再試行を断念', en: 'Reset retries given up' },
  reset_aborted: { ja: 'リセット中止', en: 'Reset aborted' },
  mfa_reset: { ja: '多要素認証をリセット', en: 'MFA reset' },
  manual_recovery_requested: { ja: '手動リカバリーを依頼（確認項目を記録）', en: 'Manual recovery requested (checks recorded)' },
  manual_recovery_approved: { ja: '手動リカバリーを別のオペレーターが承認', en: 'Manual recovery approved by a second operator' },
  manual_recovery_rejected: { ja: '手動リカバリーを却下', en: 'Manual recovery rejected' },
  manual_recovery_expired: { ja: '手動リカバリーの承認期限切れ', en: 'Manual recovery expired unapproved' },
  manual_recovery_failed: { ja: '手動リカバリーのリセットが失敗', en: 'Manual recovery failed: MFA was not reset' },
  reset_disowned: { ja: '「本人ではない」の申告', en: '"This wasn\'t me" reported' },
  customer_disowned_request: { ja: 'お客様が依頼を否認', en: 'Customer disowned the request' },
  enrolment_unfrozen: { ja: '再登録の凍結を解除', en: 'Enrolment unfrozen' },
  notification_queued: { ja: 'メール送信を予約', en: 'Mail queued' },
  handoff_refused: { ja: '引き継ぎを拒否', en: 'Hand-off refused' },
  about_to_reopen: { ja: '再開準備', en: 'About to reopen' },
  reopened: { ja: '再開', en: 'Reopened' },
  closed: { ja: '終了', en: 'Closed' },
  note: { ja: 'メモ', en: 'Note' },
  no_account: { ja: 'アカウントなし', en: 'No account' },
  cancelled: { ja: '取消', en: 'Cancelled' },
  abandoned: { ja: '途中終了', en: 'Abandoned' },
  // The agent's steps (agent/steps/*, written as agent_<kind> by calls/host-port.ts).
  agent_call_started: { ja: 'エージェントが通話を開始', en: 'Agent started the call' },
  agent_caller_wait: { ja: 'お客様が待機を希望', en: 'Caller asked to wait' },
  agent_code_attempt: { ja: '確認コードの入力', en: 'Code attempt' },
  agent_code_resend_requested: { ja: '確認コードの再送を希望', en: 'Caller asked for the code again' },
  agent_disclosure_refused: { ja: 'AIの案内に同意せず', en: 'Caller refused the AI disclosure' },
  agent_email_checked: { ja: 'メールアドレスを照合', en: 'Email address checked' },
  agent_human_question_answered: { ja: '「人間ですか」に回答', en: 'Answered "am I talking to a person"' },
  agent_recording_consent: { ja: '録音への同意の回答', en: 'Recording consent answered' },
  agent_right_party_confirmed: { ja: 'ご本人と確認', en: 'Account holder confirmed' },
  agent_right_party_denied: { ja: 'ご本人ではないと回答', en: 'Not the account holder' },
  agent_risk_flag: { ja: '注意事項を記録', en: 'Risk flag raised' },
  agent_suspicious_speech: { ja: '不審な発話', en: 'Suspicious speech' },
  agent_hangup: { ja: 'エージェントが終話', en: 'Agent hung up' },
  reset_decision: { ja: 'リセットの判断', en: 'Reset decision' },
  escalation_requested: { ja: '担当者への引き継ぎ', en: 'Handed to a person' },
  escalation_claimed: { ja: 'エスカレーションを担当', en: 'Escalation claimed' },
  escalation_released: { ja: 'エスカレーションの担当を解除', en: 'Escalation released' },
  escalation_note_added: { ja: 'メモを追加', en: 'Note added' },
  escalation_closed: { ja: 'エスカレーションを終了', en: 'Escalation closed' },
  call_listen_started: { ja: 'モニター開始', en: 'Listening started' },
  call_listen_stopped: { ja: 'モニター終了', en: 'Listening stopped' },
  call_taken_over: { ja: '担当者が通話を引き継ぎ', en: 'Call taken over by an operator' },
  transfer_offered: { ja: '担当者へ転送を提示', en: 'Transfer offered' },
  transfer_answer: { ja: '転送への応答', en: 'Transfer answered' },
  transfer_connected: { ja: '担当者と接続', en: 'Connected to a person' },
  transfer_ended: { ja: '担当者との通話終了', en: 'Call with a person ended' },
  transfer_fallback: { ja: '転送できずキューへ', en: 'Transfer fell back to the queue' },
};

/** An audit event kind (or an outcome) in the operator's language; unknown ones as they are stored. */
export function eventWords(kind: string, lang: Lang): string {
  return EVENT_WORDS[kind]?.[lang] ?? kind;
}

/**
 * A case's or call's outcome in words: an event kind or state (`mfa_reset`, `abandoned`), or
 * `kind: detail` as calls/call-outcome.ts writes an escalation (`escalated: policy_needs_person`),
 * its detail read as an escalation reason (cases/escalations/reasons.ts). Unknown parts stay as stored.
 */
export function outcomeWords(outcome: string, lang: Lang): string {
  const [kind = outcome, ...rest] = outcome.split(': ');
  const head = EVENT_WORDS[kind]?.[lang] ?? STATE_WORDS[lang][kind] ?? kind;
  return rest.length === 0 ? head : `${head}: ${reasonWords(rest.join(': '), lang)}`;
}

const ASSURANCE_WORDS: Record<Lang, Record<string, string>> = {
  ja: { password_verified: '依頼時にパスワード確認済み', low: '低（パスワード未確認）' },
  en: { password_verified: 'password verified at request', low: 'low (no password)' },
};

/** A case's assurance (cases.assurance: 'password_verified' | 'low') in words; unknown ones as stored. */
export function assuranceWords(assurance: string, lang: Lang): string {
  return ASSURANCE_WORDS[lang][assurance] ?? assurance;
}

const LANG_NAMES: Record<Lang, Record<string, string>> = {
  ja: { ja: '日本語', en: '英語' },
  en: { ja: 'Japanese', en: 'English' },
};

/** A customer's language code (ja, en) named in the operator's language. */
export function langName(code: string, lang: Lang): string {
  return LANG_NAMES[lang][code] ?? code;
}

/** Words with the stored code beside them (muted, for search and support) when the two differ. */
export function withCode(words: string, code: string): SafeHtml {
  return words === code ? html`${words}` : html`${words} <code class="muted">${code}</code>`;
}

/** A case state in the operator's language (English keeps the state's own name). */
export function stateWords(state: string, lang: Lang): string {
  return STATE_WORDS[lang][state] ?? state;
}
