import type { Lang } from '../../../domain/lang';

/** Every text of the sign-in and account pages, Japanese first. */
const JA = {
  signinTitle: 'サインイン',
  email: 'メールアドレス',
  password: 'パスワード',
  signinButton: 'サインイン',
  badCredentials: 'メールアドレスまたはパスワードが正しくありません。',
  missingCredentials: 'メールアドレスとパスワードを入力してください。',
  tooManyAttempts: '試行回数が多すぎます。15分ほど待ってからもう一度お試しください。',
  privilegedNeedsMfa:
    'このアカウントは他のアカウントを操作できるため、MFA（認証アプリ）なしではサインインできません。管理者に認証アプリの登録を依頼してください。',
  badForm: 'フォームの有効期限が切れました。ページを再読み込みしてもう一度お試しください。',
  mfaTitle: '多要素認証（MFA）',
  mfaPrompt: '認証アプリ（Google Authenticator など）に表示されている6桁のコードを入力してください。',
  code: '確認コード',
  verifyButton: '確認',
  badCode: 'コードが正しくありません。',
  malformedCode: '認証アプリに表示されている6桁の数字を入力してください。',
  cantUseDevice: '多要素認証（MFA）のデバイスを使用できない場合',
  enrollTitle: '認証アプリの登録',
  enrollRequired: 'このアカウントでは新しい認証アプリの登録が必要です。',
  enrollSteps: '認証アプリで下のQRコードを読み取り、表示された6桁のコードを入力してください。',
  manualKey: 'QRコードを読み取れない場合は、このキーを手入力してください：',
  enrollButton: '登録する',
  enrollExpired: '登録の有効期限が切れました。新しいQRコードで登録し直してください。',
  enrolFrozen: '安全のため、このアカウントでは新しい認証アプリの登録を停止しています。担当者の確認が終わるまでお待ちください。',
  accountTitle: 'アカウント',
  name: '氏名',
  phone: '電話番号',
  mfaState: '多要素認証（MFA）',
  mfaOn: '有効',
  mfaOff: '無効',
  mfaSetUp: '認証アプリを登録する',
  mfaReenrol: '認証アプリを登録し直す（機種変更など）',
  enrolled: '認証アプリを登録しました。',
  signout: 'サインアウト',
  signedOut: 'サインアウトしました。',
} as const;

export type Strings = { [K in keyof typeof JA]: string };

const EN: Strings = {
  signinTitle: 'Sign in',
  email: 'Email address',
  password: 'Password',
  signinButton: 'Sign in',
  badCredentials: 'The email address or password is incorrect.',
  missingCredentials: 'Please enter your email address and password.',
  tooManyAttempts: 'Too many attempts. Please wait about 15 minutes and try again.',
  privilegedNeedsMfa:
    'This account can act on other accounts, so it cannot sign in without MFA (an authenticator app). Ask an administrator to enrol one.',
  badForm: 'This form has expired. Reload the page and try again.',
  mfaTitle: 'Multi-factor authentication (MFA)',
  mfaPrompt: 'Enter the 6-digit code shown in your authenticator app (for example Google Authenticator).',
  code: 'Verification code',
  verifyButton: 'Verify',
  badCode: 'That code is not correct.',
  malformedCode: 'Please enter the 6 digits shown in your authenticator app.',
  cantUseDevice: "Can't use your MFA device?",
  enrollTitle: 'Set up your authenticator app',
  enrollRequired: 'This account needs a new authenticator app before you continue.',
  enrollSteps: 'Scan the QR code below with your authenticator app, then enter the 6-digit code it shows.',
  manualKey: "Can't scan it? Enter this key by hand:",
  enrollButton: 'Set up',
  enrollExpired: 'The setup expired. Please set up again with the new QR code.',
  enrolFrozen: 'To keep this account safe, setting up a new authenticator is paused until a person has reviewed it.',
  accountTitle: 'Account',
  name: 'Name',
  phone: 'Phone',
  mfaState: 'Multi-factor authentication (MFA)',
  mfaOn: 'On',
  mfaOff: 'Off',
  mfaSetUp: 'Set up an authenticator app',
  mfaReenrol: 'Set up the authenticator app again (e.g. new phone)',
  enrolled: 'Your authenticator app is set up.',
  signout: 'Sign out',
  signedOut: 'You have signed out.',
};

export function strings(lang: Lang): Strings {
  return lang === 'en' ? EN : JA;
}
