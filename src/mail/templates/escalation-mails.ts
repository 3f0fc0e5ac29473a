import { type Block, type RenderedMail, checkedUrl, composeMail, oneLine, subjectLine } from './compose';
import { DEFAULT_COMPANY_NAME, type TemplateBase, greeting } from './common';
import { formatMailTime } from './format-time';

export interface HumanCallbackParams extends TemplateBase {
  name: string;
  /** When the member of staff will call (inside business hours; the console checks). */
  callAt: Date;
  timeZone: string;
}

/**
 * A person (not the AI) will call at the time an operator set (issue 10). Says what the person will
 * and will not ask, so a caller pretending to be staff stands out.
 */
export function humanCallbackScheduled(p: HumanCallbackParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const at = formatMailTime(p.callAt, p.timeZone, p.lang);
  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          { p: '多要素認証（MFA）のリセットのご依頼について、担当者からお電話いたします。' },
          { facts: [['お電話の予定', at]] },
          { p: '担当者がパスワードや認証アプリのコードを伺うことはありません。' },
        ]
      : [
          { p: greeting('en', name) },
          { p: 'A member of our staff will call you about your request to reset multi-factor authentication (MFA).' },
          { facts: [['Call', at]] },
          { p: 'Our staff will never ask for your password or an authenticator code.' },
        ];
  const title = p.lang === 'ja' ? '担当者からのお電話のお知らせ' : 'A member of our staff will call you';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}

export interface RequestClosedParams extends TemplateBase {
  name: string;
  /** The recovery form, where a new request starts. */
  requestUrl: string;
}

/**
 * An operator closed the request after review (issue 10). Nothing about why beyond "reviewed": the
 * operator's reason stays in the case history, since the mailbox may not be the owner's alone.
 */
export function requestClosed(p: RequestClosedParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const requestUrl = checkedUrl(p.requestUrl);
  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          { p: '多要素認証（MFA）のリセットのご依頼は、担当者が確認のうえ終了しました。MFAの設定は変わっていません。' },
          { p: 'あらためてご依頼いただく場合は、下記からお申し込みください。' },
          { link: { label: 'MFAリセットを申し込む', url: requestUrl } },
        ]
      : [
          { p: greeting('en', name) },
          {
            p: 'Our staff reviewed your request to reset multi-factor authentication (MFA) and have closed it. Your MFA settings have not changed.',
          },
          { p: 'To ask again, submit a new request:' },
          { link: { label: 'Request an MFA reset', url: requestUrl } },
        ];
  const title = p.lang === 'ja' ? 'ご依頼を終了しました' : 'Your request is closed';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}

export interface HandedOverParams extends TemplateBase {
  name: string;
  /** The next business-hours opening: the earliest a person can contact the customer. */
  from: Date;
  timeZone: string;
}

/** After the agent handed the call to a person (issue 10): a person will be in touch, from when. */
export function handedOver(p: HandedOverParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const from = formatMailTime(p.from, p.timeZone, p.lang);
  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          { p: 'お電話でのご依頼は担当者に引き継ぎました。担当者から、営業時間内にあらためてご連絡いたします。' },
          { facts: [['ご連絡の目安', `${from} 以降`]] },
          { p: '担当者がパスワードや認証アプリのコードを伺うことはありません。' },
        ]
      : [
          { p: greeting('en', name) },
          { p: 'We passed your call to a member of our staff. They will contact you during business hours.' },
          { facts: [['From', from]] },
          { p: 'Our staff will never ask for your password or an authenticator code.' },
        ];
  const title = p.lang === 'ja' ? '担当者に引き継ぎました' : 'A person will contact you';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}
