import { type Block, type RenderedMail, composeMail, oneLine, subjectLine } from './compose';
import { DEFAULT_COMPANY_NAME, type TemplateBase } from './common';
import { MailTemplateError } from './format-time';

export interface VerificationCodeParams extends TemplateBase {
  /** Exactly 8 digits. This mail is the only place a code ever appears (never in logs or subjects). */
  code: string;
  validMinutes: number;
}

/** The 8-digit code the caller reads back on the call, in two chunks of four. */
export function verificationCode(p: VerificationCodeParams): RenderedMail {
  if (!/^\d{8}$/.test(p.code)) throw new MailTemplateError('verification code must be exactly 8 digits');
  if (!Number.isInteger(p.validMinutes) || p.validMinutes <= 0) throw new MailTemplateError('validMinutes must be a positive integer');
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const first = p.code.slice(0, 4);
  const second = p.code.slice(4);

  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: '確認コード（8桁）:' },
          { code: p.code },
          {
            p: `お電話の自動音声に、4桁ずつ2回に分けて読み上げてください（${first}、${second}）。電話のキーパッドで入力することもできます。`,
          },
          { p: `このコードの有効期限は${p.validMinutes}分で、1回だけ使えます。` },
          {
            p: 'このコードは、ご依頼いただいたお電話の中でのみお伝えください。メール、チャット、SNS、当社の担当者を名乗る人を含め、ほかの誰にも教えないでください。',
          },
          { p: 'お電話を依頼していないのにこのメールが届いた場合は、コードを誰にも伝えずにこのメールを削除してください。' },
        ]
      : [
          { p: 'Your verification code (8 digits):' },
          { code: p.code },
          { p: `Read it to the automated call in two parts of four digits (${first}, ${second}), or type it on your phone's keypad.` },
          { p: `The code is valid for ${p.validMinutes} minutes and works once.` },
          {
            p: 'Only give this code on the call you requested. Never share it by email, chat or social media, or with anyone, including people who say they work for us.',
          },
          { p: "If you did not request a call, don't share the code with anyone and delete this email." },
        ];
  const title = p.lang === 'ja' ? '確認コードのお知らせ' : 'Your verification code';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}
