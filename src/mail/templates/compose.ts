import type { Lang } from '../../domain/lang';
import { type SafeHtml, html } from '../../html/safe-html';
import { MailTemplateError } from './format-time';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * A mail is a list of blocks rendered twice, to plain text and to simple HTML, so the two
 * versions cannot drift apart.
 */
export type Block =
  | { p: string }
  | { facts: Array<[label: string, value: string]> }
  | { steps: string[] }
  | { link: { label: string; url: string } }
  | { code: string };

/** Names and company names go into mail as one short line: no line breaks, no control characters. */
export function oneLine(value: string, maxLength = 100): string {
  return value
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, maxLength);
}

/** Only absolute http(s) URLs may become links in our mail. */
export function checkedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MailTemplateError('mail link is not an absolute URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new MailTemplateError('mail link must be http(s)');
  return parsed.toString();
}

function blockText(b: Block): string {
  if ('p' in b) return b.p;
  if ('facts' in b) return b.facts.map(([k, v]) => `${k}: ${v}`).join('\n');
  if ('steps' in b) return b.steps.map((s, i) => `${i + 1}. ${s}`).join('\n');
  if ('link' in b) return `${b.link.label}:\n${b.link.url}`;
  return `    ${b.code}`;
}

function lines(text: string): SafeHtml {
  return html`${text.split('\n').map((line, i) => (i === 0 ? html`${line}` : html`<br>${line}`))}`;
}

function blockHtml(b: Block): SafeHtml {
  if ('p' in b) return html`<p>${lines(b.p)}</p>`;
  if ('facts' in b) {
    return html`<table cellpadding="4" style="border-collapse:collapse">${b.facts.map(
      ([k, v]) => html`<tr><th align="left" style="padding-right:1em">${k}</th><td>${v}</td></tr>`,
    )}</table>`;
  }
  if ('steps' in b) return html`<ol>${b.steps.map((s) => html`<li>${s}</li>`)}</ol>`;
  if ('link' in b) {
    return html`<p><a href="${b.link.url}" style="font-weight:bold">${b.link.label}</a><br><span style="font-size:small;color:#555">${b.link.url}</span></p>`;
  }
  return html`<p style="font-family:monospace;font-size:28px;letter-spacing:0.15em"><strong>${b.code}</strong></p>`;
}

const FOOTER: Record<Lang, string> = {
  ja: 'このメールは送信専用です。ご返信いただいてもお答えできません。',
  en: 'This is an automated message. Please do not reply.',
};

export function composeMail(opts: { lang: Lang; subject: string; blocks: Block[]; companyName: string }): RenderedMail {
  const footer = `${FOOTER[opts.lang]}\n${opts.companyName}`;
  // "-- " is the usual signature delimiter; mail clients fold what follows it.
  const text = `${opts.blocks.map(blockText).join('\n\n')}\n\n-- \n${footer}\n`;
  const body = html`<!doctype html><html lang="${opts.lang}"><head><meta charset="utf-8"><title>${opts.subject}</title></head>
<body style="font-family:sans-serif;line-height:1.6;color:#1d2330;max-width:40em">
${opts.blocks.map(blockHtml)}
<hr><p style="font-size:small;color:#555">${lines(footer)}</p>
</body></html>`;
  return { subject: opts.subject, text, html: body.value };
}

export function subjectLine(lang: Lang, companyName: string, title: string): string {
  return lang === 'ja' ? `【${companyName}】${title}` : `[${companyName}] ${title}`;
}
