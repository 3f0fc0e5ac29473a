import { type Block, type RenderedMail, checkedUrl, composeMail, oneLine, subjectLine } from './compose';
import { type CallChannel, DEFAULT_COMPANY_NAME, type TemplateBase, channelText, greeting } from './common';
import { formatMailTime } from './format-time';

export interface CallScheduledParams extends TemplateBase {
  name: string;
  callAt: Date;
  timeZone: string;
  channel: CallChannel;
  cancelUrl: string;
}

export interface CallRescheduledParams extends CallScheduledParams {
  /** Why the time moved: we could not reach the customer, they declined the ringing call, or they asked for another time. */
  reason: 'no_answer' | 'declined' | 'requested';
}

function body(p: CallScheduledParams, lead: { ja: string; en: string }): Block[] {
  const callAt = formatMailTime(p.callAt, p.timeZone, p.lang);
  const how = channelText(p.lang, p.channel);
  const cancelUrl = checkedUrl(p.cancelUrl);
  const name = oneLine(p.name);
  return p.lang === 'ja'
    ? [
        { p: greeting('ja', name) },
        { p: lead.ja },
        {
          facts: [
            ['お電話の予定', callAt],
            ['方法', how],
          ],
        },
        { p: 'お電話はAIによる自動音声です。パスワードや認証アプリのコードを伺うことはありません。' },
        { link: { label: '心当たりがない（依頼を取り消す）', url: cancelUrl } },
      ]
    : [
        { p: greeting('en', name) },
        { p: lead.en },
        {
          facts: [
            ['Call', callAt],
            ['How', how],
          ],
        },
        { p: 'The call is an automated AI voice call. It will never ask for your password or an authenticator code.' },
        { link: { label: "This wasn't me (cancel the request)", url: cancelUrl } },
      ];
}

/** A call time was set later than the request (e.g. after an operator approved it). */
export function callScheduled(p: CallScheduledParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const blocks = body(p, {
    ja: '多要素認証（MFA）のリセットのお電話の日時が決まりました。',
    en: 'The time of your MFA reset call has been set.',
  });
  const title = p.lang === 'ja' ? 'お電話の日時のお知らせ' : 'Your call is scheduled';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks, companyName: company });
}

const RESCHEDULE_LEADS: Record<CallRescheduledParams['reason'], { ja: string; en: string }> = {
  no_answer: { ja: 'お電話がつながらなかったため、あらためてお電話します。', en: "We couldn't reach you, so we will call again." },
  declined: {
    ja: '着信を拒否されたため、下記の日時にあらためてお電話します。',
    en: 'You declined the call, so we will call again at the time below.',
  },
  requested: { ja: 'ご希望に合わせて、お電話の日時を変更しました。', en: 'We moved your call to the time you asked for.' },
};

/** The call moved: no answer or declined (retry) or the customer asked for another time. */
export function callRescheduled(p: CallRescheduledParams): RenderedMail {
  const company = oneLine(p.companyName ?? DEFAULT_COMPANY_NAME);
  const lead = RESCHEDULE_LEADS[p.reason];
  const title = p.lang === 'ja' ? 'お電話の日時を変更しました' : 'Your call has been rescheduled';
  return composeMail({ lang: p.lang, subject: subjectLine(p.lang, company, title), blocks: body(p, lead), companyName: company });
}
