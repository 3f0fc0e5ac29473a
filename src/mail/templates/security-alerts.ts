import { type Block, type RenderedMail, composeMail, oneLine, subjectLine } from './compose';
import { DEFAULT_COMPANY_NAME, type TemplateBase, greeting } from './common';
import { formatMailTime } from './format-time';

export interface RecoveryHammeredParams extends TemplateBase {
  name: string;
  at: Date;
  timeZone: string;
}

/**
 * Tells the owner that recovery requests for their account or number are being refused for
 * being too many (SECURITY.md "Rate limits": the owner is told when they are being hammered).
 * Says that their own sign-in is unaffected, so the mail is no reason to act hastily.
 */
export function recoveryHammered(p: RecoveryHammeredParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const at = formatMailTime(p.at, p.timeZone, p.lang);
  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          {
            p: `${at} までに、お客様のアカウントまたは電話番号について、多要素認証（MFA）リセットのご依頼が繰り返し送られたため、一部をお断りしました。`,
          },
          {
            p: 'お客様ご自身に心当たりがなければ、何もする必要はありません。パスワードを知らない第三者のご依頼では、MFAはリセットされません。ご自身のサインインとパスワード付きのご依頼には影響ありません。',
          },
        ]
      : [
          { p: greeting('en', name) },
          {
            p: `Up to ${at}, requests to reset multi-factor authentication (MFA) for your account or phone number came so often that we refused some of them.`,
          },
          {
            p: 'If they were not from you, you need do nothing: requests without your password cannot reset your MFA. Your own sign-in, and requests made with your password, are not affected.',
          },
        ];
  const title = p.lang === 'ja' ? 'MFAリセットのご依頼が繰り返し届いています' : 'Repeated requests to reset your MFA';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}

export interface ResetDisownedParams extends TemplateBase {
  name: string;
  at: Date;
  timeZone: string;
}

/**
 * Confirms what "this wasn't me" after a reset did (SECURITY.md "Notifications"): every session
 * signed out, no new authenticator can be set up, self-service recovery locked, a person reviews.
 */
export function resetDisowned(p: ResetDisownedParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const at = formatMailTime(p.at, p.timeZone, p.lang);
  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          { p: `${at} に、多要素認証（MFA）のリセットにお心当たりがないとのご連絡を受けました。安全のため、次の対応を行いました。` },
          {
            steps: [
              'すべてのサインイン状態を解除しました。',
              '担当者の確認が終わるまで、新しい認証アプリの登録を停止しました。',
              'このアカウントの自動のMFAリセットを停止しました。',
            ],
          },
          { p: '担当者がこのアカウントを確認し、ご登録のメールアドレスにご連絡します。' },
        ]
      : [
          { p: greeting('en', name) },
          {
            p: `On ${at} you told us that the reset of your multi-factor authentication (MFA) was not you. To keep your account safe we have:`,
          },
          {
            steps: [
              'signed out every session,',
              'paused setting up a new authenticator until a person has reviewed the account,',
              'paused automated MFA resets for the account.',
            ],
          },
          { p: 'A person will review the account and contact you at this address.' },
        ];
  const title = p.lang === 'ja' ? 'MFAリセットの取り消しを受け付けました' : 'We have acted on "this wasn\'t me"';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}
