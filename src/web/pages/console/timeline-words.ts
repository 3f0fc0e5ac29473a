import type { Lang } from '../../../domain/lang';

/**
 * The timeline's detail labels in words (issue 10 follow-up: they were the stored keys, `callId:
 * …`). The keys are the event data fields the cases, calls and telephony areas record; a key not
 * listed here is shown as stored, so a new field is never hidden.
 */
const FACT_LABELS: Record<Lang, Record<string, string>> = {
  ja: {
    at: '日時',
    expiresAt: '期限',
    callId: '通話',
    channel: '経路',
    attempt: '発信回数',
    try: '試行',
    reason: '理由',
    outcome: '結果',
    detail: '詳細',
    carrier: '回線',
    carrierCallId: '回線の通話ID',
    error: 'エラー',
    retryable: '再試行できる',
    via: '経由',
    inbound: 'お客様からの着信',
    provesPhonePossession: '登録番号への発信',
    codesInvalidated: '無効にしたコード',
    escalation: '担当者へ回した理由',
    riskFlags: 'リスク',
    requestedBy: '依頼者',
    approvedBy: '承認者',
    decidedBy: '判断者',
    actorId: '実行者',
    field: '項目',
    step: '手順',
    provider: 'IDシステム',
    policy: 'ポリシー',
    decision: '判定',
    reasons: '理由',
    sipCode: 'SIPコード',
    source: '検出元',
    note: 'メモ',
    calls: '通話',
  },
  en: {
    at: 'Time',
    expiresAt: 'Expires',
    callId: 'Call',
    channel: 'Channel',
    attempt: 'Attempt',
    try: 'Try',
    reason: 'Reason',
    outcome: 'Outcome',
    detail: 'Detail',
    carrier: 'Carrier',
    carrierCallId: "Carrier's call id",
    error: 'Error',
    retryable: 'Can be retried',
    via: 'Via',
    inbound: 'Customer called in',
    provesPhonePossession: 'Called the number on record',
    codesInvalidated: 'Codes made void',
    escalation: 'Handed to a person because',
    riskFlags: 'Risks',
    requestedBy: 'Requested by',
    approvedBy: 'Approved by',
    decidedBy: 'Decided by',
    actorId: 'Done by',
    field: 'Field',
    step: 'Step',
    provider: 'Identity system',
    policy: 'Policy',
    decision: 'Decision',
    reasons: 'Reasons',
    sipCode: 'SIP code',
    source: 'Detected by',
    note: 'Note',
    calls: 'Calls',
  },
};

/** A detail's label in `lang`, or the stored key when it has no words yet. */
export function factLabel(key: string, lang: Lang): string {
  return FACT_LABELS[lang][key] ?? key;
}

/** true/false as yes/no in `lang`. */
export function yesNo(value: boolean, lang: Lang): string {
  if (lang === 'ja') return value ? 'はい' : 'いいえ';
  return value ? 'yes' : 'no';
}
