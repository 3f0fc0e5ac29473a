import type { Lang } from '../../../domain/lang';
import { html } from '../../../html/safe-html';
import { page } from '../layout';

const TEXTS = {
  ja: {
    title: 'ブラウザでお電話',
    lead: 'ご予約のお時間になると、このページが鳴ります。ページを開いたままお待ちください。',
    ready: '音とマイクを準備する',
    invalidTitle: 'リンクが無効です',
    invalid: 'このリンクは無効か、期限が切れています。メールのリンクをもう一度お確かめください。',
  },
  en: {
    title: 'Call in your browser',
    lead: 'At the booked time this page will ring. Keep it open.',
    ready: 'Get sound and microphone ready',
    invalidTitle: 'Link not valid',
    invalid: 'This link is not valid or has expired. Please check the link in your email.',
  },
} as const;

/** The softphone's shell; softphone.js (served from /softphone/assets/) builds the controls. */
export function softphonePage(args: { lang: Lang; token: string; assetBase: string }): string {
  const t = TEXTS[args.lang];
  return page({
    title: t.title,
    lang: args.lang,
    body: html`<link rel="stylesheet" href="${args.assetBase}softphone.css">
<h1>${t.title}</h1>
<section id="softphone" data-token="${args.token}" data-lang="${args.lang}" data-assets="${args.assetBase}">
  <p class="notice" id="sp-status">${t.lead}</p>
  <button type="button" id="sp-ready">${t.ready}</button>
  <noscript><p class="error">JavaScript is required for the browser call.</p></noscript>
</section>
<script type="module" src="${args.assetBase}softphone.js"></script>`,
  });
}

export function softphoneInvalidPage(lang: Lang): string {
  const t = TEXTS[lang];
  return page({ title: t.invalidTitle, lang, body: html`<h1>${t.invalidTitle}</h1><p class="error">${t.invalid}</p>` });
}
