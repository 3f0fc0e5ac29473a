import type { Lang } from '../../domain/lang';
import { html } from '../../html/safe-html';
import { page } from './layout';

const TEXTS = {
  ja: {
    title: '入力内容を読み取れませんでした',
    body: 'フォームまたはアドレスの内容が正しくありません。何も変更していません。前のページに戻って、もう一度お試しください。',
    field: '確認が必要な項目',
    console: 'ケース一覧へ',
    home: 'トップページへ',
  },
  en: {
    title: 'The request could not be read',
    body: 'The form or the address was not valid. Nothing was changed. Go back to the previous page and try again.',
    field: 'Please check',
    console: 'Go to the case list',
    home: 'Go to the start page',
  },
} as const satisfies Record<Lang, Record<string, string>>;

/**
 * The HTML answer (status 400, set by the caller) when a page's query, path or form fails its route
 * schema (web/route-schemas.ts): a person at a browser gets a sentence in their language and a way
 * back instead of Fastify's JSON. `field`: the first invalid field's name (e.g. `page`), shown as
 * code; `path`: the request's path without its query, for the way back and the language switch.
 */
export function badRequestPage(lang: Lang, path: string, field?: string): string {
  const t = TEXTS[lang];
  const inConsole = path === '/console' || path.startsWith('/console/');
  const back = inConsole
    ? html`<a href="/console?lang=${lang}" data-testid="bad-request-back">${t.console}</a>`
    : html`<a href="/?lang=${lang}" data-testid="bad-request-back">${t.home}</a>`;
  return page({
    title: t.title,
    lang,
    body: html`<h1>${t.title}</h1><p role="alert" class="error">${t.body}</p>${field ? html`<p>${t.field}: <code data-testid="bad-field">${field}</code></p>` : ''}<p>${back}</p>`,
  });
}
