import type { LiveCallView } from '../../../calls/live/live-calls';
import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html, raw } from '../../../html/safe-html';
import { page } from '../layout';
import { CALL_TEXTS } from './call-section-texts';
import { consoleNav } from './console-pages';
import { zoneLabel } from './console-time';
import { TRANSCRIPT_MARKERS, transcriptText } from './transcript-words';

/** The live calls view's words; the script gets the ones it writes itself (step and speaker names). */
export const LIVE_TEXTS = {
  ja: {
    title: 'ライブ通話',
    cases: 'ケース一覧',
    none: '現在進行中の通話はありません。',
    started: '開始',
    step: 'ステップ',
    customer: 'お客様',
    channel: '経路',
    lang: '言語',
    case: 'ケース',
    agent: 'エージェント',
    caller: 'お客様',
    ended: '通話終了',
    connecting: 'ライブ更新に接続中…',
    live: 'ライブ更新中',
    lost: 'ライブ更新が切れました。再接続します…',
    listen: 'モニター',
    stopListen: 'モニター停止',
    listening: 'モニター中',
    paused: '一時停止中(お客様がコードを入力しています)',
    listenEnded: 'モニター終了',
    takeOver: '引き継ぐ',
    withPerson: (name: string) => `担当者対応中: ${name}`,
    langNames: { ja: '日本語', en: '英語' } as Record<string, string>,
    notices: {
      taken_over: '引き継ぎを開始しました。コンソールのソフトフォンで通話を受けてください。',
      no_softphone: '引き継ぐには、先にコンソールのソフトフォン(/console/softphone)を開いて受付を開始してください。',
      cannot_hand_off: 'この通話は引き継げません(テキスト通話など)。',
      already: 'この通話はすでに担当者への引き継ぎ中です。',
      not_here: 'この通話はこのプロセスで進行していません(終了したか、別のプロセスで処理されています)。',
    } as Record<string, string>,
    listenErrors: {
      call_on_another_process: 'この通話は別の aizuchi プロセスで処理されているため、ここではモニターできません。',
      call_not_found: 'この通話はもう進行していません。',
      no_audio: 'この通話には音声がありません(テキスト通話など)。',
      failed: 'モニターを開始できませんでした。',
    },
    steps: {
      greet: '本人確認',
      consent: '録音の同意',
      email: 'メール確認',
      send_code: 'コード送信',
      code: 'コード入力',
      reset: 'リセット',
      close: '終話',
    },
  },
  en: {
    title: 'Live calls',
    cases: 'Cases',
    none: 'No calls in progress.',
    started: 'Started',
    step: 'Step',
    customer: 'Customer',
    channel: 'Channel',
    lang: 'Language',
    case: 'Case',
    agent: 'Agent',
    caller: 'Caller',
    ended: 'Call ended',
    connecting: 'Connecting to live updates…',
    live: 'Live',
    lost: 'Live updates lost; reconnecting…',
    listen: 'Listen',
    stopListen: 'Stop listening',
    listening: 'Listening',
    paused: 'Paused: the caller is entering the code',
    listenEnded: 'Listening ended',
    takeOver: 'Take over',
    withPerson: (name: string) => `With ${name}`,
    langNames: { ja: 'Japanese', en: 'English' } as Record<string, string>,
    notices: {
      taken_over: 'Taking the call over: answer it on your console softphone.',
      no_softphone: 'To take a call over, first open your console softphone (/console/softphone) and go available.',
      cannot_hand_off: 'This call cannot be taken over (a text call, for instance).',
      already: 'This call is already being handed to a person.',
      not_here: 'This call is not in progress in this process (it ended, or another process runs it).',
    } as Record<string, string>,
    listenErrors: {
      call_on_another_process: 'This call runs on another aizuchi process; it can be listened to only there.',
      call_not_found: 'This call is no longer in progress.',
      no_audio: 'This call has no audio (a text call, or it is ending).',
      failed: 'Listening could not start.',
    },
    steps: {
      greet: 'Right party',
      consent: 'Recording consent',
      email: 'Email check',
      send_code: 'Sending code',
      code: 'Code entry',
      reset: 'Reset',
      close: 'Closing',
    },
  },
} as const satisfies Record<Lang, unknown>;

/**
 * A UTC ISO instant as `HH:mm:ss JST`: wall-clock time in the business zone with the zone's short
 * name as every console page writes it (zoneLabel); Intl's en names Asia/Tokyo "GMT+9".
 */
export function zonedTime(iso: string, timeZone: string): string {
  return `${new Date(iso).toLocaleTimeString('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })} ${zoneLabel(timeZone, new Date(iso))}`;
}

function stepName(step: string, lang: Lang): string {
  const steps: Record<string, string> = LIVE_TEXTS[lang].steps;
  return steps[step] ?? step;
}

/**
 * What an operator (not a viewer) may do with a call in progress: listen in over the socket at
 * `listenPath` (its CSRF token in the query; web/client/softphone/live-listen.js plays it).
 */
export interface LiveActions {
  /** The take-over form's CSRF field (the same token as csrfToken). */
  csrfField: SafeHtml;
  listenPath: string;
  csrfToken: string;
  assetBase: string;
}

/** Each call's controls; a template the script copies into the cards it adds. */
function actionsHtml(t: (typeof LIVE_TEXTS)[Lang], callId: string, a: LiveActions, lang: Lang): SafeHtml {
  return html`<div class="live-actions" data-testid="live-actions">
<button type="button" data-listen="${callId}" data-testid="listen">${t.listen}</button>
<span class="muted" data-testid="listen-status" aria-live="polite"></span>
<form method="post" action="/console/live/${encodeURIComponent(callId)}/take-over?lang=${lang}" data-take-over style="display:inline">${a.csrfField}<button type="submit" data-testid="take-over">${t.takeOver}</button></form>
</div>`;
}

/**
 * GET /console/live: every call in progress as the server saw it when the page was made (it works
 * without script), then kept current by the script from the SSE stream at `eventsPath`. With
 * `actions` (role operator or admin) each call has its Listen button; viewers get none.
 */
export function liveCallsPage(
  calls: LiveCallView[],
  opts: { lang: Lang; timeZone: string; eventsPath: string; csrfField?: SafeHtml; actions?: LiveActions; notice?: string },
): string {
  const t = LIVE_TEXTS[opts.lang];
  const channels = CALL_TEXTS[opts.lang].channels;
  const actions = opts.actions;
  const callCard = (c: LiveCallView) =>
    html`<section class="live-call" data-call-id="${c.callId}" data-testid="live-call">
<h2><a href="/console/cases/${encodeURIComponent(c.caseId)}?lang=${opts.lang}">${t.case} ${c.caseId.slice(0, 8)}</a></h2>
<p class="muted">${t.customer}: ${c.customer} · ${t.lang}: ${t.langNames[c.lang] ?? c.lang} · ${t.channel}: ${channels[c.channel] ?? c.channel} · ${t.started}: ${zonedTime(c.startedAt, opts.timeZone)}</p>
<p>${t.step}: <strong data-testid="live-step">${c.withPerson ? t.withPerson(c.withPerson) : stepName(c.step, opts.lang)}</strong></p>
<ol class="live-lines" data-testid="live-lines">${c.lines.map(
      (l) => html`<li class="${l.speaker}"><b>${l.speaker === 'agent' ? t.agent : t.caller}</b>: ${transcriptText(l.text, opts.lang)}</li>`,
    )}</ol>
${actions && !c.withPerson ? actionsHtml(t, c.callId, actions, opts.lang) : ''}
</section>`;
  // The script's strings come from the server as JSON (no markup), and it writes text nodes only.
  const config = JSON.stringify({
    events: opts.eventsPath,
    texts: { ...t, withPerson: t.withPerson('{name}'), channels },
    markers: TRANSCRIPT_MARKERS[opts.lang],
    lang: opts.lang,
    timeZone: opts.timeZone,
    zone: zoneLabel(opts.timeZone),
    ...(actions ? { listen: { path: actions.listenPath, csrf: actions.csrfToken, assets: actions.assetBase } } : {}),
  }).replace(/</g, '\\u003c');
  return page({
    title: t.title,
    lang: opts.lang,
    switchPath: '/console/live',
    nav: consoleNav(opts.csrfField ?? '', opts.lang),
    body: html`<h1>${t.title}</h1>
${opts.notice && t.notices[opts.notice] ? html`<p class="notice" role="status" data-testid="live-notice" data-notice="${opts.notice}">${t.notices[opts.notice]}</p>` : ''}
<p class="muted" data-testid="live-status">${t.connecting}</p>
<p data-testid="live-none"${calls.length > 0 ? ' hidden' : ''}>${t.none}</p>
<div id="live-calls">${calls.map(callCard)}</div>
<style>.live-call{border:1px solid #dde;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}.live-lines li.caller b{color:#24509a}.live-call.ended{opacity:.6}</style>
<script type="application/json" id="live-config">${raw(config)}</script>
${actions ? html`<template id="live-actions">${actionsHtml(t, '', actions, opts.lang)}</template>` : ''}
<script>${raw(LIVE_SCRIPT)}</script>
${actions ? html`<script type="module" src="${actions.assetBase}live-listen.js"></script>` : ''}`,
  });
}

/** Applies the SSE events (live-calls.ts LiveEvent) to the page. Plain DOM, no framework. */
const LIVE_SCRIPT = `(() => {
  const cfg = JSON.parse(document.getElementById('live-config').textContent);
  const t = cfg.texts;
  const root = document.getElementById('live-calls');
  const none = document.querySelector('[data-testid=live-none]');
  const status = document.querySelector('[data-testid=live-status]');
  const el = (tag, props, ...kids) => { const e = document.createElement(tag); Object.assign(e, props || {}); for (const k of kids) e.append(k); return e; };
  const time = (iso) => new Date(iso).toLocaleTimeString('en-GB', { timeZone: cfg.timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }) + ' ' + cfg.zone;
  const stepName = (s) => t.steps[s] || s;
  // Stored redaction markers ("[keypad entry redacted]") in the page's language (transcript-words.ts).
  const said = (text) => Object.keys(cfg.markers).reduce((s, m) => s.split(m).join(cfg.markers[m]), text);
  const card = (id) => root.querySelector('[data-call-id="' + CSS.escape(id) + '"]');
  const refreshNone = () => { none.hidden = root.querySelector('.live-call:not(.ended)') !== null; };
  const addLine = (sec, line) => {
    const li = el('li', { className: line.speaker }, el('b', { textContent: line.speaker === 'agent' ? t.agent : t.caller }), ': ' + said(line.text));
    sec.querySelector('.live-lines').append(li);
  };
  const addCall = (c) => {
    const old = card(c.callId); if (old) old.remove();
    const link = el('a', { href: '/console/cases/' + encodeURIComponent(c.caseId) + '?lang=' + cfg.lang, textContent: t.case + ' ' + c.caseId.slice(0, 8) });
    const sec = el('section', { className: 'live-call' },
      el('h2', {}, link),
      el('p', { className: 'muted', textContent: t.customer + ': ' + c.customer + ' · ' + t.lang + ': ' + (t.langNames[c.lang] || c.lang) + ' · ' + t.channel + ': ' + (t.channels[c.channel] || c.channel) + ' · ' + t.started + ': ' + time(c.startedAt) }),
      el('p', {}, t.step + ': ', el('strong', { textContent: stepName(c.step) })),
      el('ol', { className: 'live-lines' }));
    sec.dataset.callId = c.callId; sec.dataset.testid = 'live-call';
    sec.querySelector('strong').dataset.testid = 'live-step';
    sec.querySelector('ol').dataset.testid = 'live-lines';
    for (const l of c.lines || []) addLine(sec, l);
    // A call already with a person has no controls (as on the server's page). The attribute, not
    // form.action: in the template's inert document the property resolves against no URL.
    const tpl = document.getElementById('live-actions');
    if (tpl && !c.withPerson) { const a = tpl.content.cloneNode(true); a.querySelector('[data-listen]').dataset.listen = c.callId; const f = a.querySelector('[data-take-over]'); f.setAttribute('action', f.getAttribute('action').replace('/live//', '/live/' + encodeURIComponent(c.callId) + '/')); sec.append(a); }
    if (c.withPerson) sec.querySelector('[data-testid=live-step]').textContent = t.withPerson.replace('{name}', c.withPerson);
    root.append(sec);
  };
  const apply = (ev) => {
    if (ev.type === 'snapshot') { root.replaceChildren(); for (const c of ev.calls) addCall(c); }
    else if (ev.type === 'started') addCall(Object.assign({ lines: [] }, ev.call));
    else if (ev.type === 'step') { const s = card(ev.callId); if (s) s.querySelector('[data-testid=live-step]').textContent = stepName(ev.step); }
    else if (ev.type === 'with_person') { const s = card(ev.callId); if (s) { s.querySelector('[data-testid=live-step]').textContent = t.withPerson.replace('{name}', ev.operator); s.querySelector('.live-actions')?.remove(); } }
    else if (ev.type === 'line') { const s = card(ev.callId); if (s) addLine(s, ev.line); }
    else if (ev.type === 'ended') { const s = card(ev.callId); if (s) { s.classList.add('ended'); s.querySelector('[data-testid=live-step]').textContent = t.ended; setTimeout(() => { s.remove(); refreshNone(); }, 10000); } }
    refreshNone();
  };
  const source = new EventSource(cfg.events);
  source.onopen = () => { status.textContent = t.live; status.dataset.state = 'live'; };
  source.onerror = () => { status.textContent = t.lost; status.dataset.state = 'lost'; };
  source.onmessage = (m) => { try { apply(JSON.parse(m.data)); } catch (e) { console.error('live view: bad event', e); } };
})();`;
