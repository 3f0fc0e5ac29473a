import type { Lang } from '../../../domain/lang';
import { TRANSCRIPT_MARKERS } from './transcript-words';
import { type SafeHtml, html, raw } from '../../../html/safe-html';
import { page } from '../layout';
import { consoleNav } from './console-pages';

/** The console softphone's words; the script gets them as JSON and writes text nodes only. */
export const CONSOLE_SOFTPHONE_TEXTS = {
  ja: {
    title: '受話（ソフトフォン）',
    intro: '「受付開始」を押すと、このブラウザーで担当者への転送を受けられます（マイクの許可が必要です）。',
    goAvailable: '受付開始',
    stopAvailable: '受付終了',
    offline: '受付していません',
    connecting: '接続中…',
    available: '受付中：転送を待っています',
    ringing: '転送の着信があります',
    onCall: '通話中',
    ended: '通話が終わりました',
    noMic: 'マイクを使えません。ブラウザーの設定を確認してください。',
    forbidden: 'この役割では通話を受けられません。',
    accept: '受ける',
    decline: '断る',
    hangup: '切る',
    case: 'ケース',
    customer: 'お客様',
    reason: '理由',
    summary: 'エージェントの要約',
    transcript: 'ここまでの会話',
    agent: 'エージェント',
    caller: 'お客様',
    keys: 'お客様が押したキー',
    reasons: { caller_request: 'お客様が担当者を希望', operator_takeover: '担当者が通話を引き継ぎ' } as Record<string, string>,
    langNames: { ja: '日本語', en: '英語' } as Record<string, string>,
    // Why the server closed the desk's socket (its close reason, shown with the code after `code`).
    closed: {
      session_ended: 'サインインが終了したため、受付を止めました。もう一度サインインしてください。',
      session_failed: 'サーバー側の問題で接続が切れました。もう一度「受付開始」を押してください。',
      forbidden: 'この役割では通話を受けられません。',
      replaced: '別のタブかブラウザーで受付を始めたため、ここでは止めました。',
    } as Record<string, string>,
    connectionLost: '接続が切れました。もう一度「受付開始」を押してください。',
    code: 'コード',
  },
  en: {
    title: 'Take calls',
    intro: 'Press "Go available" to take transferred calls in this browser (it asks for the microphone).',
    goAvailable: 'Go available',
    stopAvailable: 'Stop taking calls',
    offline: 'Not taking calls',
    connecting: 'Connecting…',
    available: 'Available: waiting for a transfer',
    ringing: 'Incoming transfer',
    onCall: 'On a call',
    ended: 'The call has ended',
    noMic: 'The microphone is not available; check the browser settings.',
    forbidden: 'Your role cannot take calls.',
    accept: 'Accept',
    decline: 'Decline',
    hangup: 'Hang up',
    case: 'Case',
    customer: 'Customer',
    reason: 'Reason',
    summary: "Agent's summary",
    transcript: 'Conversation so far',
    agent: 'Agent',
    caller: 'Caller',
    keys: 'Keys the caller pressed',
    langNames: { ja: 'Japanese', en: 'English' } as Record<string, string>,
    closed: {
      session_ended: 'Your sign-in ended, so taking calls stopped. Please sign in again.',
      session_failed: 'The connection ended because of a problem on the server. Press "Go available" again.',
      forbidden: 'Your role cannot take calls.',
      replaced: 'You went available in another tab or browser, so this one stopped.',
    } as Record<string, string>,
    connectionLost: 'The connection was lost. Press "Go available" again.',
    code: 'code',
    reasons: { caller_request: 'The caller asked for a person', operator_takeover: 'An operator took the call over' } as Record<
      string,
      string
    >,
  },
} as const satisfies Record<Lang, unknown>;

/**
 * GET /console/softphone (issue 10, live transfer): the operator's softphone. Without script it
 * says what it is for; the module script (client/softphone/console-softphone.js, which reuses the
 * customer softphone's AudioIo and worklets) connects `wsPath` when the operator goes available,
 * shows a warm offer (case, summary, transcript) with Accept/Decline, and carries the call's audio.
 */
export function consoleSoftphonePage(opts: {
  lang: Lang;
  timeZone: string;
  wsPath: string;
  assetBase: string;
  csrfField?: SafeHtml;
}): string {
  const t = CONSOLE_SOFTPHONE_TEXTS[opts.lang];
  const config = JSON.stringify({
    ws: opts.wsPath,
    assets: opts.assetBase,
    texts: t,
    markers: TRANSCRIPT_MARKERS[opts.lang],
    lang: opts.lang,
    timeZone: opts.timeZone,
  }).replace(/</g, '\\u003c');
  return page({
    title: t.title,
    lang: opts.lang,
    switchPath: '/console/softphone',
    nav: consoleNav(opts.csrfField ?? '', opts.lang),
    body: html`<h1>${t.title}</h1>
<p class="muted">${t.intro}</p>
<div id="op-phone" data-state="offline">
<p><strong id="op-status" data-testid="op-status">${t.offline}</strong></p>
<p><button type="button" id="op-available">${t.goAvailable}</button> <button type="button" id="op-stop" hidden>${t.stopAvailable}</button></p>
<section id="op-offer" data-testid="op-offer" hidden>
<h2 id="op-offer-title"></h2>
<dl><dt>${t.customer}</dt><dd id="op-customer"></dd><dt>${t.reason}</dt><dd id="op-reason"></dd><dt>${t.summary}</dt><dd id="op-summary"></dd></dl>
<h3>${t.transcript}</h3>
<ol id="op-lines" data-testid="op-lines"></ol>
<p><button type="button" id="op-accept">${t.accept}</button> <button type="button" id="op-decline">${t.decline}</button> <button type="button" id="op-hangup" hidden>${t.hangup}</button></p>
<p id="op-keys" class="muted" hidden></p>
</section>
</div>
<style>#op-offer{border:1px solid #dde;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}#op-lines li.caller b{color:#24509a}#op-phone[data-state=ringing] #op-offer{border-color:#c60}</style>
<script type="application/json" id="op-config">${raw(config)}</script>
<script type="module" src="${opts.assetBase}console-softphone.js"></script>`,
  });
}
