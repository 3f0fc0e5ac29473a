import type { Lang } from '../../domain/lang';
import { html } from '../../html/safe-html';
import { page } from './layout';

const TEXTS = {
  ja: {
    title: 'ページが見つかりません',
    body: 'このアドレスのページはありません。アドレスをご確認ください。',
    console: 'ケース一覧へ',
    home: 'トップページへ',
  },
  en: {
    title: 'Page not found',
    body: 'There is no page at this address. Please check the address.',
    console: 'Go to the case list',
    home: 'Go to the start page',
  },
} as const satisfies Record<Lang, Record<string, string>>;

/**
 * The HTML answer for an unknown page (status 404, set by the caller), in `lang`: one sentence and
 * a way back — the case list for a path under /console (an operator who mistyped a console
 * address), the start page otherwise. `path` is the request's path without its query (so a token
 * in a query is never written into the page); the language switch keeps it.
 */
export function notFoundPage(lang: Lang, path: string): string {
  const t = TEXTS[lang];
  const inConsole = path === '/console' || path.startsWith('/console/');
  const back = inConsole
    ? html`<a href="/console?lang=${lang}" data-testid="not-found-back">${t.console}</a>`
    : html`<a href="/?lang=${lang}" data-testid="not-found-back">${t.home}</a>`;
  return page({
    title: t.title,
    lang,
    switchPath: path,
    body: html`<h1>${t.title}</h1><p role="alert">${t.body}</p><p>${back}</p>`,
  });
}
