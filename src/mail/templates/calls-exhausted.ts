import { type Block, type RenderedMail, checkedUrl, composeMail, oneLine, subjectLine } from './compose';
import { DEFAULT_COMPANY_NAME, type TemplateBase, greeting } from './common';

export interface CallsExhaustedParams extends TemplateBase {
  name: string;
  /** Calls made on the request, the last one included. */
  attempts: number;
  /** The recovery form (`${AIZUCHI_PUBLIC_URL}/recover`), where a new request starts. */
  requestUrl: string;
  /** Where the deployment takes calls in (issue 8, call-in): the number to call and the case's reference to key or say. */
  callIn?: { number: string; reference: string };
}

/**
 * After the last automatic call nobody answered (AIZUCHI_CALLBACK_RETRIES used up): the request is
 * closed, nothing changed on the account, and how to ask again (issue 8). No detail of why the
 * calls failed (busy, a voicemail) beyond "we could not reach you".
 */
export function callsExhausted(p: CallsExhaustedParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const requestUrl = checkedUrl(p.requestUrl);
  const callIn = p.callIn ? { number: oneLine(p.callIn.number, 30), reference: oneLine(p.callIn.reference, 20) } : null;
  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          {
            p: `多要素認証（MFA）のリセットのご依頼について、${p.attempts}回お電話しましたが、つながりませんでした。ご依頼はいったん終了しました。MFAの設定は変わっていません。`,
          },
          ...(callIn
            ? [
                { p: 'こちらからお電話いただくこともできます。ご登録の電話番号からおかけになり、受付番号を押すか、お話しください。' },
                {
                  facts: [
                    ['お電話番号', callIn.number],
                    ['受付番号', callIn.reference],
                  ] as Array<[string, string]>,
                },
              ]
            : []),
          { p: 'あらためてご依頼いただく場合は、下記からお申し込みください。' },
          { link: { label: 'MFAリセットを申し込む', url: requestUrl } },
        ]
      : [
          { p: greeting('en', name) },
          {
            p: `We called you ${p.attempts} ${p.attempts === 1 ? 'time' : 'times'} about your request to reset multi-factor authentication (MFA) and could not reach you, so the request is now closed. Your MFA settings have not changed.`,
          },
          ...(callIn
            ? [
                { p: 'You can also call us: call from the phone number on your account and key in or say your reference.' },
                {
                  facts: [
                    ['Number', callIn.number],
                    ['Reference', callIn.reference],
                  ] as Array<[string, string]>,
                },
              ]
            : []),
          { p: 'To ask again, submit a new request:' },
          { link: { label: 'Request an MFA reset', url: requestUrl } },
        ];
  const title = p.lang === 'ja' ? 'お電話がつながりませんでした' : 'We could not reach you';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}
