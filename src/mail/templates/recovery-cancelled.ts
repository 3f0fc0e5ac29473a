import { type Block, type RenderedMail, composeMail, oneLine, subjectLine } from './compose';
import { DEFAULT_COMPANY_NAME, type TemplateBase, greeting } from './common';
import { formatMailTime } from './format-time';

export interface RecoveryCancelledParams extends TemplateBase {
  name: string;
  at: Date;
  timeZone: string;
  /** Set when the cancel came from "this wasn't me": recovery stays locked until a person reviews it. */
  recoveryLocked?: boolean;
}

/** Confirms a cancelled recovery request: no call will be made. */
export function recoveryCancelled(p: RecoveryCancelledParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const at = formatMailTime(p.at, p.timeZone, p.lang);

  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          { p: `${at} に、多要素認証（MFA）のリセットのご依頼を取り消しました。お電話はおかけしません。MFAの設定は変わっていません。` },
          p.recoveryLocked
            ? { p: '安全のため、このアカウントのMFAリセットを一時的に停止し、担当者が確認します。' }
            : { p: '引き続きお手伝いが必要な場合は、あらためてお申し込みください。' },
        ]
      : [
          { p: greeting('en', name) },
          {
            p: `Your request to reset multi-factor authentication (MFA) was cancelled on ${at}. We will not call you. Your MFA settings have not changed.`,
          },
          p.recoveryLocked
            ? { p: 'To keep your account safe, MFA resets are paused on it until a person has reviewed it.' }
            : { p: 'If you still need help, please submit a new request.' },
        ];
  const title = p.lang === 'ja' ? 'MFAリセットのご依頼を取り消しました' : 'Your MFA reset request was cancelled';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}
