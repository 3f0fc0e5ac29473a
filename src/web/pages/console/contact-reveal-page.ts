import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';
import { consoleNav } from './console-pages';

/** Which contact detail an operator asks to see in full. */
export type RevealField = 'phone' | 'email';
export const REVEAL_FIELDS: readonly RevealField[] = ['phone', 'email'];

/** The reveal page's words (ja first); the button's is CONSOLE_TEXTS.reveal. */
export const REVEAL_TEXTS = {
  ja: {
    title: '連絡先の表示',
    phone: '電話番号',
    email: 'メール',
    e164: '国際形式（E.164）',
    national: '国内形式',
    recorded:
      'この表示はあなたのIDとともにケースの履歴に記録されました。このページは保存されません。必要なときは再度「表示」を押してください。',
    back: 'ケースに戻る',
  },
  en: {
    title: 'Contact details',
    phone: 'Phone',
    email: 'Email',
    e164: 'International (E.164)',
    national: 'National',
    recorded: 'This view is recorded in the case history with your id. The page is not kept: press Show again when you need it.',
    back: 'Back to the case',
  },
} as const;

/**
 * The answer to a reveal: the one field in full (a phone in E.164 and national form), for this
 * response only (the route sends Cache-Control: no-store), with a note that the view was audited.
 */
export function contactRevealPage(v: {
  lang: Lang;
  caseId: string;
  reference: string | null;
  field: RevealField;
  phone?: { e164: string; national: string };
  email?: string;
  navCsrfField: SafeHtml;
}): string {
  const t = REVEAL_TEXTS[v.lang];
  const rows =
    v.field === 'phone' && v.phone
      ? html`<tr><th>${t.e164}</th><td data-testid="revealed-e164"><code>${v.phone.e164}</code></td></tr><tr><th>${t.national}</th><td data-testid="revealed-national"><code>${v.phone.national}</code></td></tr>`
      : html`<tr><th>${t.email}</th><td data-testid="revealed-email"><code>${v.email ?? ''}</code></td></tr>`;
  return page({
    title: `${t.title} ${v.reference ?? ''}`,
    lang: v.lang,
    nav: consoleNav(v.navCsrfField, v.lang),
    body: html`<h1>${t.title}: ${v.field === 'phone' ? t.phone : t.email}</h1>
<table>${rows}</table>
<p class="notice" data-testid="reveal-recorded">${t.recorded}</p>
<p><a href="/console/cases/${v.caseId}?lang=${v.lang}">${t.back}</a></p>`,
  });
}
