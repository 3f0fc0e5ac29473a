import type { Lang } from '../../../domain/lang';

/** Every string the recovery pages show, per language. */
export const RECOVERY_TEXTS = {
  ja: {
    title: '多要素認証（MFA）のデバイスを使用できない場合',
    intro:
      'ご本人確認のため、ご登録の電話番号に自動音声（AI）でお電話します。お電話は営業時間内に限ります。予定日時はメールでお知らせします。',
    email: 'メールアドレス',
    phone: '折り返し先の電話番号',
    phoneHint: '例: 090-1234-5678',
    lang: '通話の言語',
    consent: 'AIによる自動音声の折り返し電話に同意します',
    recording: 'サービス品質と不正防止のため、通話の録音に同意します（同意しなくても通話はできます）',
    submit: '折り返し電話を依頼する',
    passwordEvidence: 'パスワード確認済みのリクエストとして送信されます。',
    noPasswordEvidence:
      'サインインしていないため、このご依頼にはパスワードの確認が含まれません。お電話でご本人確認はできますが、MFAの解除は担当者が行います。お電話で解除まで完了するには、先にパスワードでサインインし、「多要素認証（MFA）のデバイスを使用できない場合」を選んでください。',
    signInFirst: 'サインインする',
    accepted:
      'ご依頼を受け付けました。ご登録のメールアドレスに、お電話の予定日時をお送りします。メールが届かない場合は、入力内容をご確認ください。',
    limited: 'リクエストが多すぎます。しばらくしてからもう一度お試しください。',
    disownTitle: 'MFAリセットに心当たりがない場合',
    confirmIntro:
      '多要素認証（MFA）のリセットにお心当たりがない場合は、下のボタンを押してください。ご依頼を取り消し、このアカウントの自動のMFAリセットを停止します。リセット済みの場合は、すべてのサインインを解除し、新しい認証アプリの登録を止めて、担当者が確認します。',
    confirmButton: '心当たりがありません（取り消して保護する）',
    cancelled: 'ご依頼を取り消しました。安全のため、このアカウントの自動のMFAリセットを停止し、担当者が確認します。',
    resetDisowned:
      'ご連絡ありがとうございます。すべてのサインインを解除し、新しい認証アプリの登録を停止しました。担当者が確認し、ご登録のメールアドレスにご連絡します。',
    alreadyClosed: 'このご依頼についてはすでにご連絡を受け付けています。担当者が確認します。',
    crossSite: 'このページからは送信できません。メールのリンクを開き直してください。',
    unknownLink: 'このリンクは無効です。',
    expiredForm: 'フォームの有効期限が切れました。ページを再読み込みして、もう一度お試しください。',
  },
  en: {
    title: "Can't use your MFA device?",
    intro:
      'To confirm it is you, an automated AI voice agent will call the phone number on your account, only within business hours; the mail tells you when.',
    email: 'Email address',
    phone: 'Callback phone number',
    phoneHint: 'e.g. +81 90 1234 5678',
    lang: 'Call language',
    consent: 'I agree to an automated AI voice callback',
    recording: 'I agree that the call is recorded for service quality and fraud prevention (the call works without it)',
    submit: 'Request a callback',
    passwordEvidence: 'This request will carry your verified password.',
    noPasswordEvidence:
      'You are not signed in, so this request carries no password: the call can check who you are, but a person will have to remove MFA. For the call to finish the reset, sign in with your password first and choose "Can\'t use your MFA device?".',
    signInFirst: 'Sign in',
    accepted:
      'Thank you. We have sent the time of the call to the email address on the account. If no mail arrives, please check what you entered.',
    limited: 'Too many requests. Please try again later.',
    disownTitle: "Didn't ask for an MFA reset?",
    confirmIntro:
      'If you did not ask to reset multi-factor authentication (MFA), press the button. We will cancel the request and pause automated MFA resets on this account; if a reset already happened, we will also sign out every session, stop a new authenticator from being set up, and have a person review it.',
    confirmButton: "This wasn't me: cancel and protect my account",
    cancelled: 'The request is cancelled. To keep your account safe, automated MFA resets are paused on it and a person will review it.',
    resetDisowned:
      'Thank you for telling us. Every session is signed out and no new authenticator can be set up; a person will review the account and contact you by email.',
    alreadyClosed: 'We already have your answer for this request; a person will review it.',
    crossSite: 'This form cannot be sent from another site. Please open the link from the mail again.',
    unknownLink: 'This link is not valid.',
    expiredForm: 'This form has expired. Please reload the page and try again.',
  },
} satisfies Record<Lang, Record<string, string>>;
