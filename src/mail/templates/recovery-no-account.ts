import { type Block, type RenderedMail, composeMail, oneLine, subjectLine } from './compose';
import { DEFAULT_COMPANY_NAME, type TemplateBase } from './common';
import { formatMailTime } from './format-time';

export interface RecoveryNoAccountParams extends TemplateBase {
  requestedAt: Date;
  timeZone: string;
}

/**
 * Answers a recovery request for an address with no account. Sent so that the follow-on work of
 * every request looks the same from outside (one mail, counted the same; issue 7, finding 2), and
 * so that whoever owns the address learns which address they did not use, or that someone tried.
 * It names nobody and links nowhere: the address may not belong to the requester.
 */
export function recoveryNoAccount(p: RecoveryNoAccountParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const requestedAt = formatMailTime(p.requestedAt, p.timeZone, p.lang);
  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          {
            p: `${requestedAt} に、このメールアドレスで多要素認証（MFA）のリセットのご依頼がありましたが、このアドレスで登録されたアカウントはありません。お電話はおかけしません。`,
          },
          {
            p: 'ご自身のご依頼であれば、別のメールアドレスでご登録の可能性があります。お心当たりがない場合は、このメールを削除してください。',
          },
        ]
      : [
          {
            p: `On ${requestedAt} someone asked to reset multi-factor authentication (MFA) for an account with this email address, but no account uses this address. We will not call anyone.`,
          },
          { p: "If it was you, your account may use a different email address. If it wasn't, you can delete this email." },
        ];
  const title = p.lang === 'ja' ? 'MFAリセットのご依頼について' : 'About your MFA reset request';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}
