import { type EscalationError, MAX_NOTE_CHARS } from '../../../cases/escalations/escalation-queue';
import type { ManualRecoveryError } from '../../../cases/escalations/manual-recovery';
import type { Lang } from '../../../domain/lang';
import { type ChecklistItemId, checklistWords } from '../../../domain/policy';
import { sentenceTime } from './console-time';

/** The escalation page's buttons, by the path they post to (web/plugins/escalations.ts). */
export type EscalationActionName = 'claim' | 'release' | 'note' | 'callback' | 'close' | 'approve';

/**
 * Escalation and manual-recovery refusals in the operator's language, by the error's code (issue 10:
 * the console in Japanese and English). The domain's messages stay English for the CLI and logs;
 * `invalid_input` is said by the action that failed (a note, a callback time, a close reason, the
 * checklist), since the code alone does not say which field. Every sentence ends in "nothing was changed".
 */
const TEXTS = {
  ja: {
    escalation: {
      not_found: 'このエスカレーションは見つかりません。',
      closed: 'このエスカレーションはすでに対応済みです。',
      claimed_by_other: '別のオペレーターが担当しています。',
      not_holder: '先に「担当する」を押してください。操作できるのは担当者だけです。',
    },
    input: {
      note: `メモは1〜${MAX_NOTE_CHARS}文字で書いてください。6桁以上の数字の並び（コードの可能性があります）や完全なメールアドレス（マスクしたものを書いてください）は書けません。`,
      callback: 'コールバックの日時は、未来の営業時間内の日時を選んでください。',
      close: '対応終了の理由を選んでください。',
      other: '入力内容が正しくありません。',
    },
    callbackOutsideHours: (next: string) => `その日時は営業時間外です。次の営業開始は ${next} です。`,
    manual: {
      not_found: 'この手動復旧の申請（またはエスカレーション）は見つかりません。',
      wrong_state: 'ケースはもう手動復旧できる状態ではありません（対象はエスカレーション中のケースだけです）。',
      not_holder: '先にエスカレーションを担当してください。操作できるのは担当者だけです。',
      invalid_input: `メモは1〜${MAX_NOTE_CHARS}文字で書いてください。6桁以上の数字の並び（コードの可能性があります）や完全なメールアドレス（マスクしたものを書いてください）は書けません。`,
      no_account: 'このケースには復旧するアカウントがありません。',
      own_account: '自分のアカウントは復旧も承認もできません。',
      unknown_person:
        'サインインに確認済みのメールアドレスがないため、二人承認と本人アカウントの規則で本人を確認できません。メールアドレスのあるアカウントでサインインしてください。',
      same_operator: '申請者とは別のオペレーターが判断する必要があります。',
      pending_exists: 'このケースの手動復旧はすでに承認待ちか実行中です。',
      already_decided: 'この申請はすでに判断済みです。',
      missing: (items: string) => `必須の確認項目にチェックがありません: ${items}。`,
      decided: (state: string) => `この申請はすでに「${state}」です。`,
      states: { approved: '承認済み', rejected: '却下', expired: '期限切れ', failed: '失敗' } as Record<string, string>,
      listSep: '、',
      expired: 'この申請は期限切れです。担当者がチェックリストをもう一度送信してください。',
    },
    nothingChanged: '何も変更していません。',
    sep: '',
  },
  en: {
    escalation: {
      not_found: 'No such escalation.',
      closed: 'This escalation is already closed.',
      claimed_by_other: 'Another operator holds this escalation.',
      not_holder: 'Claim the escalation first; only its holder can act on it.',
    },
    input: {
      note: `A note must be 1 to ${MAX_NOTE_CHARS} characters, with no run of six or more digits (it could be a code) and no full email address (write the masked one).`,
      callback: 'Choose a callback time in the future, inside business hours.',
      close: 'Choose a reason for closing.',
      other: 'The input is not valid.',
    },
    callbackOutsideHours: (next: string) => `That time is outside business hours; the next opening is ${next}.`,
    manual: {
      not_found: 'No such manual recovery request (or escalation).',
      wrong_state: 'The case can no longer be recovered by hand (only an escalated case can).',
      not_holder: 'Claim the escalation first; only its holder can act on it.',
      invalid_input: `A note must be 1 to ${MAX_NOTE_CHARS} characters, with no run of six or more digits (it could be a code) and no full email address (write the masked one).`,
      no_account: 'The case has no account to recover.',
      own_account: 'An operator cannot recover, or decide on, their own account.',
      unknown_person:
        'Your sign-in carries no verified email, so the two-person and own-account rules cannot tell who you are; sign in with an account that has one.',
      same_operator: 'A second, different operator must decide; the requester cannot.',
      pending_exists: 'A manual recovery of this case is already waiting or under way.',
      already_decided: 'This request has already been decided.',
      missing: (items: string) => `Tick every required check first (missing: ${items}).`,
      decided: (state: string) => `This request is already ${state}.`,
      states: { approved: 'approved', rejected: 'rejected', expired: 'expired', failed: 'failed' } as Record<string, string>,
      listSep: '; ',
      expired: 'This request expired; the holder must submit the checklist again.',
    },
    nothingChanged: 'Nothing was changed.',
    sep: ' ',
  },
} as const;

/** An EscalationError from `action`, as the operator reads it (a callback time outside hours names the next opening, in `timeZone`). */
export function escalationErrorText(err: EscalationError, action: EscalationActionName, lang: Lang, timeZone: string): string {
  const t = TEXTS[lang];
  const say = (text: string) => `${text}${t.sep}${t.nothingChanged}`;
  if (err.code !== 'invalid_input') return say(t.escalation[err.code]);
  if (err.nextOpen) return say(t.callbackOutsideHours(sentenceTime(err.nextOpen, timeZone, lang)));
  return say(action === 'note' || action === 'callback' || action === 'close' ? t.input[action] : t.input.other);
}

/** A ManualRecoveryError as the operator reads it, by its code (the unticked items and a decided request's state by name). */
export function manualRecoveryErrorText(err: ManualRecoveryError, lang: Lang): string {
  const t = TEXTS[lang];
  const m = t.manual;
  const { missingItems, state } = err.details;
  let text: string = m[err.code];
  if (err.code === 'invalid_input' && missingItems?.length)
    text = m.missing(missingItems.map((i: ChecklistItemId) => checklistWords(i, lang)).join(m.listSep));
  if (err.code === 'already_decided' && state) text = m.decided(m.states[state] ?? state);
  return `${text}${t.sep}${t.nothingChanged}`;
}
