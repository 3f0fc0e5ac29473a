import type { Lang } from '../../../domain/lang';

/** Why a callback request was refused as bad input, per language (the form's and the API's 400). */
const INVALID = {
  ja: {
    emailMissing: 'メールアドレスを入力してください。',
    email: 'メールアドレスの形式が正しくありません（例: name@example.com）。',
    phoneMissing: '折り返し先の電話番号を入力してください。',
    phone: '電話番号の形式が正しくありません（例: 090-1234-5678、+81 90 1234 5678）。',
    consent: 'AIによる自動音声の折り返し電話への同意が必要です。同意のチェックを入れてください。',
    other: '入力内容をご確認ください。',
  },
  en: {
    emailMissing: 'Please enter your email address.',
    email: 'Please enter a valid email address, e.g. name@example.com.',
    phoneMissing: 'Please enter the phone number to call back.',
    phone: 'Please enter a valid phone number, e.g. 090-1234-5678 or +81 90 1234 5678.',
    consent: 'Please tick the box to agree to an automated AI voice callback; we cannot call without it.',
    other: 'Please check what you entered.',
  },
} satisfies Record<Lang, Record<string, string>>;

/**
 * The message for a refused field (RecoveryResult `field`), in `lang`. `input` is what was sent,
 * so an empty field says "enter it" rather than "it is malformed". Fields without a text of their
 * own (a wrong type from an API client) get the general one.
 */
export function invalidRequestMessage(lang: Lang, field: string | undefined, input: Record<string, unknown>): string {
  const t = INVALID[lang];
  const blank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  switch (field) {
    case 'email':
      return blank(input.email) ? t.emailMissing : t.email;
    case 'phone':
      return blank(input.phone) ? t.phoneMissing : t.phone;
    case 'consent':
      return t.consent;
    default:
      return t.other;
  }
}
