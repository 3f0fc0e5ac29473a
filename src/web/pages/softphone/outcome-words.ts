import type { Lang } from '../../../domain/lang';

/**
 * How a call or case ended, in the customer's words, ja and en. Keys are the agent's outcomes
 * (src/agent/types.ts Outcome). The page script keeps the same table in client/softphone/texts.js
 * (a browser module cannot import this file); softphone-page.test.ts checks the two agree.
 */
export const OUTCOME_WORDS: Record<Lang, Record<string, string>> = {
  ja: {
    mfa_reset: '多要素認証（MFA）を解除しました。確認のメールをお送りしました。サインインして、多要素認証（MFA）を設定し直してください。',
    verification_failed: 'ご本人様の確認ができなかったため、多要素認証（MFA）は解除していません。',
    escalated: '担当者にお引き継ぎしました。担当者からメールでご連絡します。',
    callback_requested: 'ご希望のお時間にあらためてお電話します。',
    wrong_person: 'ご本人様とお話しできなかったため、お電話を終了しました。',
    cancelled: 'このご依頼は取り消されました。',
    abandoned: 'お電話が途中で終了しました。',
  },
  en: {
    mfa_reset: 'Multi-factor authentication (MFA) has been turned off. We sent you a confirmation email. Sign in and set up MFA again.',
    verification_failed: 'We could not confirm it was you, so MFA has not been turned off.',
    escalated: 'We passed your request to our staff. They will contact you by email.',
    callback_requested: 'We will call you again at the time you asked for.',
    wrong_person: 'We could not speak with the account holder, so the call ended.',
    cancelled: 'This request was cancelled.',
    abandoned: 'The call ended before it was finished.',
  },
};

const UNKNOWN = { ja: 'このご依頼は終了しました。', en: 'This request has ended.' } as const;

/** The outcome in words; a generic "ended" sentence for null or an outcome this table lacks. */
export function outcomeWords(lang: Lang, outcome: string | null): string {
  return (outcome && OUTCOME_WORDS[lang][outcome]) || UNKNOWN[lang];
}
