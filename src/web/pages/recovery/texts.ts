import type { Lang } from '../../../domain/lang';

/** Every string the recovery pages show, per language. */
export const RECOVERY_TEXTS = {
  ja: {
    title: 'MFAデバイスを使用できない場合',
    intro: 'ご本人確認のため、ご登録の電話番号に自動音声（AI）でお電話します。お電話は営業時間内（平日 9:00〜18:00、日本時間）に限ります。',
    email: 'メールアドレス',
    phone: '折り返し先の電話番号',
    phoneHint: '例: 090-1234-5678',
    lang: '通話の言語',
    consent: 'AIによる自動音声の折り返し電話に同意します',
    recording: 'サービス品質と不正防止のため、通話の録音に同意します（同意しなくても通話はできます）',
    submit: '折り返し電話を依頼する',
    passwordEvidence: 'パスワード確認済みのリクエストとして送信されます。',
    accepted: 'ご依頼を受け付けました。ご登録のメールアドレスに、お電話の予定日時をお送りします。メールが届かない場合は、入力内容をご確認ください。',
    limited: 'リクエストが多すぎます。しばらくしてからもう一度お試しください。',
    cancelled: 'ご依頼を取り消しました。このアカウントの回復手続きは担当者が確認します。',
    alreadyClosed: 'このご依頼はすでに終了しています。ご連絡ありがとうございます。担当者が確認します。',
    unknownLink: 'このリンクは無効です。',
  },
  en: {
    title: "Can't use your MFA device?",
    intro: 'To confirm it is you, an automated AI voice agent will call the phone number on your account, only within business hours (weekdays 9:00–18:00 Japan time).',
    email: 'Email address',
    phone: 'Callback phone number',
    phoneHint: 'e.g. +81 90 1234 5678',
    lang: 'Call language',
    consent: 'I agree to an automated AI voice callback',
    recording: 'I agree that the call is recorded for service quality and fraud prevention (the call works without it)',
    submit: 'Request a callback',
    passwordEvidence: 'This request will carry your verified password.',
    accepted: 'Thank you. We have sent the time of the call to the email address on the account. If no mail arrives, please check what you entered.',
    limited: 'Too many requests. Please try again later.',
    cancelled: 'The request is cancelled. A person will review recovery for this account.',
    alreadyClosed: 'This request has already ended. Thank you for telling us; a person will review it.',
    unknownLink: 'This link is not valid.',
  },
} satisfies Record<Lang, Record<string, string>>;
