import type { PolicyName, ProofKind } from '../../../domain/policy';
import type { Lang } from '../../../domain/lang';
import type { SettingsProblem, Weekday } from '../../../settings';

/** The settings page's words (issue 10: admins view and edit hours, closed dates, holidays and the policy). */
export const SETTINGS_TEXTS = {
  ja: {
    title: '設定',
    readOnly: '閲覧のみです。変更できるのは管理者だけです。',
    timeZone: 'タイムゾーン',
    timeZoneNote: '（AIZUCHI_TIMEZONE。ここでは変更できません）',
    source: '現在の設定',
    fromEnv: '環境変数の既定値（まだ変更されていません）',
    savedBy: (who: string, when: string, version: number) => `${who} が ${when} に保存（版 ${version}）`,
    nextOpen: '現在からの次の営業開始',
    hours: '曜日ごとの営業時間',
    hoursHelp: 'HH:MM-HH:MM の形式で、15分単位。昼休みなどはカンマで区切ります（例: 09:00-12:00, 13:00-18:00）。空欄は休業日です。',
    days: { mon: '月曜日', tue: '火曜日', wed: '水曜日', thu: '木曜日', fri: '金曜日', sat: '土曜日', sun: '日曜日' } as Record<
      Weekday,
      string
    >,
    closed: '休業',
    closedDates: '臨時休業日',
    closedDatesHelp: (max: number) => `YYYY-MM-DD の形式で1行に1日（最大${max}日）。過去の日付は指定できません。`,
    holidays: '日本の祝日（振替休日・国民の休日を含む）は休業にする',
    policy: '本人確認ポリシー',
    policyHelp: '各プリセットでAIがMFAをリセットする前に必要な証拠です。足りない証拠があるケースは担当者が対応します。',
    proofs: { password: 'パスワード', phone_possession: '登録済み電話番号への発信', mailbox_possession: 'メールで送ったコード' } as Record<
      ProofKind,
      string
    >,
    coolingOff: (hours: number) => (hours > 0 ? `リセットまで${hours}時間の待機` : '通話中にリセット'),
    keypadOnly: 'コードはキーパッド入力のみ',
    current: '（現在）',
    confirmLower: '現在より弱いポリシーに変更することを確認しました',
    save: '保存',
    saved: '設定を保存しました。監査ログに記録されました。',
    unchanged: '変更はありませんでした。',
    errorsTitle: '保存できませんでした。次の項目を直してください。',
    history: '変更履歴',
    when: '日時',
    who: '実行者',
    what: '変更内容',
    noHistory: 'まだ変更はありません。',
    fields: { weeklyHours: '営業時間', closedDates: '臨時休業日', japaneseHolidays: '祝日', policy: 'ポリシー' } as Record<string, string>,
    yes: 'はい',
    no: 'いいえ',
    added: '追加',
    removed: '削除',
    holidaysClosed: '休業',
    holidaysOpen: '営業',
  },
  en: {
    title: 'Settings',
    readOnly: 'Read only: only an admin can change these.',
    timeZone: 'Time zone',
    timeZoneNote: '(AIZUCHI_TIMEZONE; not changed here)',
    source: 'In force',
    fromEnv: 'the environment defaults (never changed here)',
    savedBy: (who: string, when: string, version: number) => `saved by ${who} at ${when} (version ${version})`,
    nextOpen: 'Next opening from now',
    hours: 'Hours per weekday',
    hoursHelp:
      'HH:MM-HH:MM in 15-minute steps; separate ranges with a comma for a break (e.g. 09:00-12:00, 13:00-18:00). Empty means closed all day.',
    days: { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' } as Record<
      Weekday,
      string
    >,
    closed: 'closed',
    closedDates: 'Closed dates',
    closedDatesHelp: (max: number) => `One YYYY-MM-DD date per line (at most ${max}); not in the past.`,
    holidays: 'Closed on Japanese public holidays (including substitute and citizens’ holidays)',
    policy: 'Recovery policy',
    policyHelp: 'What each preset needs before the agent resets MFA; a case missing any of it goes to a person.',
    proofs: {
      password: 'the password',
      phone_possession: 'a call to the number on record',
      mailbox_possession: 'the code sent by mail',
    } as Record<ProofKind, string>,
    coolingOff: (hours: number) => (hours > 0 ? `reset after a ${hours} h wait` : 'reset on the call'),
    keypadOnly: 'code on the keypad only',
    current: '(in force)',
    confirmLower: 'I confirm lowering the policy below the one in force',
    save: 'Save',
    saved: 'Settings saved and recorded in the audit log.',
    unchanged: 'Nothing changed.',
    errorsTitle: 'Nothing was saved. Please correct:',
    history: 'Changes',
    when: 'When',
    who: 'Who',
    what: 'What changed',
    noHistory: 'No changes yet.',
    fields: { weeklyHours: 'hours', closedDates: 'closed dates', japaneseHolidays: 'holidays', policy: 'policy' } as Record<string, string>,
    yes: 'yes',
    no: 'no',
    added: 'added',
    removed: 'removed',
    holidaysClosed: 'closed',
    holidaysOpen: 'open',
  },
} as const;

/** A refused field in words, naming what was typed. */
export function problemText(p: SettingsProblem, lang: Lang): string {
  const ja = lang === 'ja';
  const day = (d: Weekday) => SETTINGS_TEXTS[lang].days[d];
  const policy = (n: PolicyName) => n;
  switch (p.code) {
    case 'bad_range':
      return ja ? `${day(p.field)}: 「${p.text}」は HH:MM-HH:MM ではありません` : `${day(p.field)}: "${p.text}" is not HH:MM-HH:MM`;
    case 'not_step':
      return ja ? `${day(p.field)}: 「${p.text}」は15分単位ではありません` : `${day(p.field)}: "${p.text}" is not in 15-minute steps`;
    case 'end_before_start':
      return ja ? `${day(p.field)}: 「${p.text}」は終了が開始より前です` : `${day(p.field)}: "${p.text}" must close after it opens`;
    case 'overlap':
      return ja ? `${day(p.field)}: 時間帯が重なっています` : `${day(p.field)}: the ranges overlap`;
    case 'never_open':
      return ja ? '少なくとも1つの曜日に営業時間が必要です' : 'At least one weekday needs opening hours';
    case 'bad_date':
      return ja ? `臨時休業日: 「${p.text}」は YYYY-MM-DD の日付ではありません` : `Closed dates: "${p.text}" is not a YYYY-MM-DD date`;
    case 'past_date':
      return ja ? `臨時休業日: ${p.text} は過去の日付です` : `Closed dates: ${p.text} is in the past`;
    case 'too_many':
      return ja ? `臨時休業日: 最大${p.max}日までです` : `Closed dates: at most ${p.max}`;
    case 'no_opening':
      return ja
        ? `臨時休業日: この設定では${p.days}日以内に営業できる日時がありません（折り返し電話を予約できなくなります）`
        : `Closed dates: with these hours there would be no opening within ${p.days} days (no callback could be booked)`;
    case 'unknown_policy':
      return ja ? `ポリシー「${p.text}」はありません` : `There is no policy "${p.text}"`;
    case 'confirm_lower':
      return ja
        ? `ポリシーを ${policy(p.from)} から ${policy(p.to)} に下げるには確認のチェックが必要です`
        : `Lowering the policy from ${policy(p.from)} to ${policy(p.to)} needs the confirmation ticked`;
  }
}
