import type { CaughtMessage } from '../../../mail/mail-store';
import { type SafeHtml, html } from '../../../html/safe-html';
import type { Lang } from '../../../domain/lang';
import { page } from '../layout';
import { localTime, zoneLabel } from '../console/console-time';

/** The catcher's texts; English by default (a developer's tool), Japanese on ?lang=ja. */
const TEXTS = {
  en: {
    inbox: 'Inbox',
    title: 'Mail catcher inbox',
    intro: 'Mail sent by this server is caught here instead of being delivered (no SMTP relay is configured).',
    empty: 'No mail yet.',
    subject: 'Subject',
    to: 'To',
    from: 'From',
    received: 'Received',
    noSubject: '(no subject)',
    message: 'Message',
    notFoundTitle: 'Not found',
    notFound: 'No such message.',
  },
  ja: {
    inbox: '受信箱',
    title: 'メールキャッチャーの受信箱',
    intro: 'このサーバーが送ったメールは、配信されずにここに届きます（SMTPリレーが設定されていません）。',
    empty: 'まだメールはありません。',
    subject: '件名',
    to: '宛先',
    from: '差出人',
    received: '受信日時',
    noSubject: '（件名なし）',
    message: 'メール',
    notFoundTitle: '見つかりません',
    notFound: 'そのメールはありません。',
  },
} satisfies Record<Lang, Record<string, string>>;

const nav = (lang: Lang) => html`<a href="/dev/mail?lang=${lang}">${TEXTS[lang].inbox}</a>`;

/** When a message arrived, in the business time zone with the zone named (as every page shows times). */
function when(iso: string, timeZone: string): string {
  return `${localTime(iso, timeZone)} ${zoneLabel(timeZone, new Date(iso))}`;
}

/** Every caught message, newest first: what a demo user opens to read the 8-digit code. */
export function inboxPage(messages: CaughtMessage[], lang: Lang = 'en', timeZone = 'Asia/Tokyo'): string {
  const t = TEXTS[lang];
  const rows = messages.map(
    (m) => html`<tr>
<td><a href="/dev/mail/${encodeURIComponent(m.id)}?lang=${lang}">${m.subject || t.noSubject}</a></td>
<td>${m.to}</td>
<td class="muted"><time datetime="${m.receivedAt}">${when(m.receivedAt, timeZone)}</time></td>
</tr>`,
  );
  const body = html`<h1>${t.title}</h1>
<p class="muted">${t.intro}</p>
${
  messages.length === 0
    ? html`<p class="notice">${t.empty}</p>`
    : html`<div class="table-scroll"><table><thead><tr><th>${t.subject}</th><th>${t.to}</th><th>${t.received}</th></tr></thead><tbody>${rows}</tbody></table></div>`
}`;
  return page({ title: t.inbox, lang, body, nav: nav(lang), switchPath: '/dev/mail' });
}

// Plain-text mail carries its links as bare URLs; making them clickable lets a demo user press
// "this wasn't me". Every piece is escaped; only http(s) URLs become links.
const URL_PATTERN = /https?:\/\/[^\s<>"'）」]+/g;

export function linkifyText(text: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    parts.push(html`${text.slice(last, start)}`);
    parts.push(html`<a href="${match[0]}" rel="noreferrer">${match[0]}</a>`);
    last = start + match[0].length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}

export function messagePage(m: CaughtMessage, lang: Lang = 'en', timeZone = 'Asia/Tokyo'): string {
  const t = TEXTS[lang];
  const body = html`<p><a href="/dev/mail?lang=${lang}">← ${t.inbox}</a></p>
<h1>${m.subject || t.noSubject}</h1>
<table>
<tr><th>${t.from}</th><td>${m.from}</td></tr>
<tr><th>${t.to}</th><td>${m.to}</td></tr>
<tr><th>${t.received}</th><td><time datetime="${m.receivedAt}">${when(m.receivedAt, timeZone)}</time></td></tr>
<tr><th>Message-ID</th><td><code>${m.messageId ?? '—'}</code></td></tr>
</table>
<pre style="white-space:pre-wrap;font:inherit;background:#f8f8fb;padding:1rem;border-radius:6px">${linkifyText(m.text)}</pre>`;
  return page({ title: m.subject || t.message, lang, body, nav: nav(lang), switchPath: `/dev/mail/${encodeURIComponent(m.id)}` });
}

export function messageNotFoundPage(lang: Lang = 'en'): string {
  const t = TEXTS[lang];
  return page({
    title: t.notFoundTitle,
    lang,
    body: html`<p class="error">${t.notFound}</p><p><a href="/dev/mail?lang=${lang}">← ${t.inbox}</a></p>`,
    nav: nav(lang),
  });
}
