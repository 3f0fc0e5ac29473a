import type { OperatorActionError } from '../../../cases/operator-actions';
import type { Lang } from '../../../domain/lang';
import { refusalSentence } from './refusal-texts';
import { stateWords } from './console-texts';
import { sentenceTime } from './console-time';

/** The case page's buttons, by the path they post to (web/plugins/console.ts). */
export type CaseActionName = 'approve' | 'cancel' | 'call-now' | 'unfreeze-enrolment';

/**
 * Refusals of the console's actions in the operator's language (issue 10: the case page fully
 * ja/en). The domain's messages stay English for the CLI and logs; these are built from the error's
 * code and details, and every one says that nothing was changed.
 */
const TEXTS = {
  ja: {
    notFound: 'このケースは見つかりません。',
    wrongState: {
      approve: (s: string) => `ケースは「${s}」です。承認できるのは確認待ちでエスカレーションされたケースだけです。`,
      cancel: (s: string) => `ケースはすでに「${s}」です。取り消せません。`,
      'call-now': (s: string) => `ケースは「${s}」です。今すぐ発信できるのはコールバック予定のケースだけです。`,
      'unfreeze-enrolment': () => 'このケースに解除できる登録の凍結はありません。',
    },
    notReviewable: '通話中にエスカレーションされたケースです（確認待ちではありません）。自動コールバックは承認できません。',
    outsideHours: (next: string) =>
      `営業時間外です（次の営業開始: ${next}）。発信するには「営業時間外でも発信する」にチェックしてください。`,
    noAccount: '確認するアカウントがないケースです。発信できません。',
    tooLong: (n: number) => `理由は${n}文字以内で入力してください。`,
    invalid: '入力内容が正しくありません。',
    nothingChanged: '何も変更していません。',
  },
  en: {
    notFound: 'No such case.',
    wrongState: {
      approve: (s: string) => `The case is ${s}; only an escalated case waiting for review can be approved.`,
      cancel: (s: string) => `The case is already ${s}; it cannot be cancelled.`,
      'call-now': (s: string) => `The case is ${s}; only a scheduled case can be called now.`,
      'unfreeze-enrolment': () => 'This case has no frozen enrolment to lift.',
    },
    notReviewable: 'This case was escalated during a call, not for review; it cannot be approved for an automated callback.',
    outsideHours: (next: string) => `Outside business hours (next opening ${next}); tick "Call outside business hours" to call anyway.`,
    noAccount: 'The case has no account to verify; it cannot be called.',
    tooLong: (n: number) => `The reason must be at most ${n} characters.`,
    invalid: 'The input is not valid.',
    nothingChanged: 'Nothing was changed.',
  },
} as const;

/** "The form was stale or not from this site; nothing was changed" in the operator's language: the stale_form refusal's words. */
export const staleFormText = (lang: Lang): string => refusalSentence('stale_form', lang);

/** An OperatorActionError from the case page's `action` button, as the operator reads it. */
export function caseActionErrorText(err: OperatorActionError, action: CaseActionName, lang: Lang, timeZone: string): string {
  const t = TEXTS[lang];
  const state = err.details.state === undefined ? '' : stateWords(err.details.state, lang);
  const say = (text: string) => `${text}${lang === 'ja' ? '' : ' '}${t.nothingChanged}`;
  switch (err.code) {
    case 'not_found':
      return t.notFound;
    case 'wrong_state':
      return say(t.wrongState[action](state));
    case 'not_reviewable':
      return say(t.notReviewable);
    case 'outside_hours':
      return say(err.details.nextOpen ? t.outsideHours(sentenceTime(err.details.nextOpen, timeZone, lang)) : t.outsideHours('—'));
    case 'no_account':
      return say(t.noAccount);
    case 'invalid_input':
      return say(err.details.maxChars === undefined ? t.invalid : t.tooLong(err.details.maxChars));
  }
}
