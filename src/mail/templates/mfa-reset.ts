import { type Block, type RenderedMail, checkedUrl, composeMail, oneLine, subjectLine } from './compose';
import { DEFAULT_COMPANY_NAME, type TemplateBase, greeting } from './common';
import { formatMailTime } from './format-time';

export interface MfaResetParams extends TemplateBase {
  name: string;
  at: Date;
  timeZone: string;
  /** "This wasn't me": locks the account again and alerts the security team. */
  cancelUrl?: string;
  /** Our staff did it after their own checks (a manual recovery), not the automated call. */
  byStaff?: boolean;
}

/** Sent after MFA was removed: sign in and enrol a new device; "this wasn't me" if not. */
export function mfaReset(p: MfaResetParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const at = formatMailTime(p.at, p.timeZone, p.lang);
  const cancelUrl = p.cancelUrl === undefined ? undefined : checkedUrl(p.cancelUrl);

  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          {
            p: `${at} に、${p.byStaff ? '担当者がご本人確認を行ったうえで、' : ''}お客様のアカウントの多要素認証（MFA）を解除しました。サインイン中のセッションはすべて終了しています。`,
          },
          {
            steps: [
              'メールアドレスとパスワードでサインインしてください。',
              '新しい端末の認証アプリ（Google Authenticator など）を登録してください。登録が済むまでほかの操作はできません。',
            ],
          },
          ...(cancelUrl
            ? ([
                { p: '心当たりがない場合は、次のリンクを押してください。アカウントを保護し、担当者が確認します。' },
                { link: { label: '心当たりがない', url: cancelUrl } },
              ] satisfies Block[])
            : ([{ p: '心当たりがない場合は、すぐにサポート窓口へご連絡ください。' }] satisfies Block[])),
        ]
      : [
          { p: greeting('en', name) },
          {
            p: `${p.byStaff ? 'After our staff checked your identity, m' : 'M'}ulti-factor authentication (MFA) was removed from your account on ${at}. All signed-in sessions were ended.`,
          },
          {
            steps: [
              'Sign in with your email address and password.',
              'Enrol an authenticator app (such as Google Authenticator) on your new device. You cannot do anything else until it is set up.',
            ],
          },
          ...(cancelUrl
            ? ([
                { p: "If this wasn't you, use the link below. We will lock the account and a person will review it." },
                { link: { label: "This wasn't me", url: cancelUrl } },
              ] satisfies Block[])
            : ([{ p: "If this wasn't you, contact support immediately." }] satisfies Block[])),
        ];
  const title = p.lang === 'ja' ? '多要素認証（MFA）を解除しました' : 'MFA was removed from your account';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}
