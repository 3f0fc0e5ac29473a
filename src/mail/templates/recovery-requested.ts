import { type Block, type RenderedMail, checkedUrl, composeMail, oneLine, subjectLine } from './compose';
import { type CallChannel, DEFAULT_COMPANY_NAME, type TemplateBase, channelText, greeting } from './common';
import { formatMailTime } from './format-time';

export interface RecoveryRequestedParams extends TemplateBase {
  name: string;
  /**
   * When the call comes; null while the request waits for a person's review (issue 10: that mail
   * used to promise "now", a time nobody would call at). The time follows in its own mail.
   */
  callAt: Date | null;
  timeZone: string;
  cancelUrl: string;
  channel: CallChannel;
  requestedAt: Date;
  /** The browser softphone page where the call will ring. */
  joinUrl?: string;
  /** The case's 6-digit reference (issue 8): the customer keys or says it when calling in. */
  reference?: string;
}

/** Sent when a recovery request is accepted: when the call comes, that it is an AI, and "this wasn't me". */
export function recoveryRequested(p: RecoveryRequestedParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const name = oneLine(p.name);
  const cancelUrl = checkedUrl(p.cancelUrl);
  const callAt = p.callAt
    ? formatMailTime(p.callAt, p.timeZone, p.lang)
    : p.lang === 'ja'
      ? '担当者が確認のうえ、日時をメールでお知らせします'
      : 'our staff will review the request and email you the time';
  const requestedAt = formatMailTime(p.requestedAt, p.timeZone, p.lang);
  const how = channelText(p.lang, p.channel);
  const joinUrl = p.joinUrl ? checkedUrl(p.joinUrl) : undefined;
  const reference = p.reference ? oneLine(p.reference, 20) : undefined;

  const blocks: Block[] =
    p.lang === 'ja'
      ? [
          { p: greeting('ja', name) },
          { p: '多要素認証（MFA）のリセットのご依頼を受け付けました。' },
          {
            facts: [
              ['受付日時', requestedAt],
              ['お電話の予定', callAt],
              ['方法', how],
              ...(reference ? ([['受付番号', reference]] as Array<[string, string]>) : []),
            ],
          },
          {
            p: 'お電話はAIによる自動音声でおかけします。メールアドレスを一文字ずつ伺い、通話中にこのアドレスへお送りする8桁の確認コードを読み上げていただきます。パスワードや認証アプリのコードを伺うことはありません。',
          },
          ...(joinUrl
            ? ([
                { p: 'お電話の時刻に次のページを開いておくと、ブラウザで着信します（マイクの使用を許可してください）。' },
                { link: { label: 'ブラウザで電話を受ける', url: joinUrl } },
              ] satisfies Block[])
            : []),
          { p: 'このご依頼に心当たりがない場合は、次のリンクからすぐに取り消してください。リセットは行われません。' },
          { link: { label: '心当たりがない（依頼を取り消す）', url: cancelUrl } },
        ]
      : [
          { p: greeting('en', name) },
          { p: 'We received a request to reset multi-factor authentication (MFA) on your account.' },
          {
            facts: [
              ['Requested', requestedAt],
              ['Call', callAt],
              ['How', how],
              ...(reference ? ([['Reference', reference]] as Array<[string, string]>) : []),
            ],
          },
          {
            p: 'The call is an automated AI voice call. It will ask you to spell your email address and to read back an 8-digit code that we email you during the call. It will never ask for your password or an authenticator code.',
          },
          ...(joinUrl
            ? ([
                // A mail is not a page: point at the link below, as the Japanese text does (次のページ).
                {
                  p: 'Open the page below before the time of the call and keep it open: the call rings there, in your browser (allow the microphone).',
                },
                { link: { label: 'Take the call in your browser', url: joinUrl } },
              ] satisfies Block[])
            : []),
          { p: "If this wasn't you, cancel the request now. Nothing will be reset." },
          { link: { label: "This wasn't me (cancel the request)", url: cancelUrl } },
        ];
  const title = p.lang === 'ja' ? 'MFAリセットのお電話を予約しました' : 'Your MFA reset call is booked';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}
