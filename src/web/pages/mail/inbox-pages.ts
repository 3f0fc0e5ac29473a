import type { CaughtMessage } from '../../../mail/mail-store';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';

const NAV = html`<a href="/dev/mail">Inbox</a>`;

function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC');
}

/** Every caught message, newest first: what a demo user opens to read the 8-digit code. */
export function inboxPage(messages: CaughtMessage[]): string {
  const rows = messages.map(
    (m) => html`<tr>
<td><a href="/dev/mail/${encodeURIComponent(m.id)}">${m.subject || '(no subject)'}</a></td>
<td>${m.to}</td>
<td class="muted"><time datetime="${m.receivedAt}">${when(m.receivedAt)}</time></td>
</tr>`,
  );
  const body = html`<h1>Mail catcher inbox</h1>
<p class="muted">Mail sent by this server is caught here instead of being delivered (no SMTP relay is configured).</p>
${
  messages.length === 0
    ? html`<p class="notice">No mail yet.</p>`
    : html`<table><thead><tr><th>Subject</th><th>To</th><th>Received</th></tr></thead><tbody>${rows}</tbody></table>`
}`;
  return page({ title: 'Inbox', lang: 'en', body, nav: NAV });
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

export function messagePage(m: CaughtMessage): string {
  const body = html`<p><a href="/dev/mail">← Inbox</a></p>
<h1>${m.subject || '(no subject)'}</h1>
<table>
<tr><th>From</th><td>${m.from}</td></tr>
<tr><th>To</th><td>${m.to}</td></tr>
<tr><th>Received</th><td><time datetime="${m.receivedAt}">${when(m.receivedAt)}</time></td></tr>
<tr><th>Message-ID</th><td><code>${m.messageId ?? '—'}</code></td></tr>
</table>
<pre style="white-space:pre-wrap;font:inherit;background:#f8f8fb;padding:1rem;border-radius:6px">${linkifyText(m.text)}</pre>`;
  return page({ title: m.subject || 'Message', lang: 'en', body, nav: NAV });
}

export function messageNotFoundPage(): string {
  return page({ title: 'Not found', lang: 'en', body: html`<p class="error">No such message.</p><p><a href="/dev/mail">← Inbox</a></p>`, nav: NAV });
}
