import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { formatMailTime } from '../../../mail/templates/format-time';
import { page } from '../layout';
import { OUTCOME_WORDS, outcomeWords } from './outcome-words';

export { OUTCOME_WORDS, outcomeWords };

const TEXTS = {
  ja: {
    title: 'ブラウザでお電話',
    booked: 'ご予約のお時間',
    reference: '受付番号',
    lead: 'このページを開いたままお待ちください。お時間になると、このページが鳴ります（お手持ちの電話にはかかりません）。',
    soundFirst: '着信音が聞こえるように、先に下のボタンで音とマイクを有効にしてください。',
    reviewing: '担当者がご依頼を確認しています。お電話の日時が決まりましたら、メールでお知らせします。このページは閉じても構いません。',
    starting: 'お電話の時間です。このページを開いたままお待ちください。',
    phoneLead: 'ご予約のお時間に、ご登録の電話番号へお電話します。このページを開いておく必要はありません。',
    ready: '音とマイクを有効にする',
    invalidTitle: 'リンクが無効です',
    invalid: 'このリンクは無効か、期限が切れています。メールのリンクをもう一度お確かめください。',
    finalTitle: 'このご依頼は終了しました',
    noCall: 'このページにお電話がかかることはありません。',
    escalatedTitle: '担当者にお引き継ぎしました',
    escalated: 'このご依頼は担当者が確認します。担当者からメールでご連絡しますので、このページでお待ちいただく必要はありません。',
    signIn: 'サインインする',
  },
  en: {
    title: 'Call in your browser',
    booked: 'Your booked call',
    reference: 'Your reference',
    lead: 'Keep this page open. At the booked time this page will ring (your phone will not).',
    soundFirst: 'So that you can hear the ring, turn on sound and microphone with the button below first.',
    reviewing: 'A member of our staff is reviewing your request. We will email you the call time once it is set. You may close this page.',
    starting: 'It is time for your call. Keep this page open.',
    phoneLead: 'At the booked time we will call the phone number on your account. You do not need to keep this page open.',
    ready: 'Turn on sound and microphone',
    invalidTitle: 'Link not valid',
    invalid: 'This link is not valid or has expired. Please check the link in your email.',
    finalTitle: 'This request has ended',
    noCall: 'No call will come to this page.',
    escalatedTitle: 'Passed to our staff',
    escalated: 'A member of our staff will look at this request and contact you by email. You do not need to wait on this page.',
    signIn: 'Sign in',
  },
} as const;

/** What the page knows about the case when it is served (from SoftphoneLinks.inspect). */
export interface SoftphoneCaseView {
  /** A CaseState (src/domain/cases/case-state.ts). */
  caseState: string;
  /** ISO 8601 booked time, or null while none is set. */
  scheduledAt: string | null;
  outcome: string | null;
  /** The case's 6-digit reference, quoted when calling in (issue 8); absent on old cases. */
  reference?: string | null;
}

/** States that get a final page with no socket: the call will not come here (issue 13). */
const FINAL_STATES = new Set(['resolved', 'failed', 'cancelled', 'escalated']);

/** True when the page for this case is a final one (no waiting, no socket). */
export function isFinalView(view: Pick<SoftphoneCaseView, 'caseState'>): boolean {
  return FINAL_STATES.has(view.caseState);
}

/** The case's reference as a definition-list entry, or nothing on a case without one. */
function referenceEntry(lang: Lang, view: SoftphoneCaseView): SafeHtml | string {
  return view.reference ? html`<dt>${TEXTS[lang].reference}</dt><dd id="sp-reference">${view.reference}</dd>` : '';
}

function waitingLead(lang: Lang, view: SoftphoneCaseView, timeZone: string): SafeHtml {
  const t = TEXTS[lang];
  if (view.caseState === 'requested' || !view.scheduledAt) {
    return html`${view.reference ? html`<dl class="sp-booked">${referenceEntry(lang, view)}</dl>` : ''}<p class="notice" id="sp-status">${t.reviewing}</p>`;
  }
  const when = formatMailTime(new Date(view.scheduledAt), timeZone, lang);
  const what = view.caseState === 'scheduled' ? t.lead : t.starting;
  return html`<dl class="sp-booked"><dt>${t.booked}</dt><dd id="sp-booked-at">${when}</dd>${referenceEntry(lang, view)}</dl>
  <p class="notice" id="sp-status">${what}</p>
  <p id="sp-sound-first">${t.soundFirst}</p>`;
}

/**
 * The page when callbacks go to the customer's phone, not to this page (the deployment dials a
 * phone): the booked time and that the phone will ring; no script, no socket.
 */
function phonePage(lang: Lang, view: SoftphoneCaseView, timeZone: string, switchPath?: string): string {
  const t = TEXTS[lang];
  const when = view.scheduledAt ? formatMailTime(new Date(view.scheduledAt), timeZone, lang) : null;
  return page({
    title: t.title,
    lang,
    switchPath,
    body: html`<h1>${t.title}</h1>
<section id="softphone" data-state="phone" data-case-state="${view.caseState}">
  ${when || view.reference ? html`<dl class="sp-booked">${when ? html`<dt>${t.booked}</dt><dd id="sp-booked-at">${when}</dd>` : ''}${referenceEntry(lang, view)}</dl>` : ''}
  <p class="notice" id="sp-status">${when ? t.phoneLead : t.reviewing}</p>
</section>`,
  });
}

/**
 * The softphone's shell; softphone.js (served from /softphone/assets/) builds the controls. Before
 * the call it names the booked time in the case's language and the business time zone (the zone
 * the request mail used) and what to do: keep the page open, or (`ringsHere: false`, the deployment
 * dials a phone) expect a phone call. Shapes: `scheduledAt` ISO 8601; `timeZone` an IANA zone.
 * `lang` is the page's (the visitor's choice, else the case's); `callLang` the case's, which the
 * agent speaks and the browser's speech recognition listens for (defaults to `lang`).
 * `switchPath` is the page's own path (`/call/<token>`): the language switch adds only `?lang=`.
 */
export function softphonePage(args: {
  lang: Lang;
  callLang?: Lang;
  token: string;
  assetBase: string;
  view: SoftphoneCaseView;
  timeZone: string;
  ringsHere?: boolean;
  switchPath?: string;
}): string {
  const t = TEXTS[args.lang];
  if (isFinalView(args.view)) return softphoneFinalPage(args.lang, args.view, args.switchPath);
  if (args.ringsHere === false) return phonePage(args.lang, args.view, args.timeZone, args.switchPath);
  return page({
    title: t.title,
    lang: args.lang,
    switchPath: args.switchPath,
    body: html`<link rel="stylesheet" href="${args.assetBase}softphone.css">
<h1>${t.title}</h1>
<section id="softphone" data-token="${args.token}" data-lang="${args.lang}" data-call-lang="${args.callLang ?? args.lang}" data-assets="${args.assetBase}" data-time-zone="${args.timeZone}" data-case-state="${args.view.caseState}">
  ${waitingLead(args.lang, args.view, args.timeZone)}
  <button type="button" id="sp-ready">${t.ready}</button>
  <noscript><p class="error">JavaScript is required for the browser call.</p></noscript>
</section>
<script type="module" src="${args.assetBase}softphone.js"></script>`,
  });
}

/**
 * The page for a case whose call will not come: ended (resolved, failed, cancelled) or handed to a
 * person (escalated). It says how it ended in words and links to sign-in; it opens no socket.
 */
export function softphoneFinalPage(lang: Lang, view: Pick<SoftphoneCaseView, 'caseState' | 'outcome'>, switchPath?: string): string {
  const t = TEXTS[lang];
  const escalated = view.caseState === 'escalated';
  const title = escalated ? t.escalatedTitle : t.finalTitle;
  const words = escalated ? t.escalated : outcomeWords(lang, view.outcome ?? (view.caseState === 'cancelled' ? 'cancelled' : null));
  return page({
    title,
    lang,
    switchPath,
    body: html`<h1>${title}</h1>
<section id="softphone" data-state="final" data-case-state="${view.caseState}">
  <p class="notice" id="sp-outcome">${words}</p>
  <p>${t.noCall}</p>
  <p><a id="sp-signin" href="/signin?lang=${lang}">${t.signIn}</a></p>
</section>`,
  });
}

/** The page for an unknown or expired link; `switchPath` as for softphonePage. */
export function softphoneInvalidPage(lang: Lang, switchPath?: string): string {
  const t = TEXTS[lang];
  return page({ title: t.invalidTitle, lang, switchPath, body: html`<h1>${t.invalidTitle}</h1><p class="error">${t.invalid}</p>` });
}
