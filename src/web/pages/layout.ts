import type { Lang } from '../../domain/lang';
import { type SafeHtml, html, raw } from '../../html/safe-html';

// Usable at a 390 px phone width: nothing wider than the viewport (inputs, tables and long words
// shrink or wrap), and the header's links wrap instead of pushing the page sideways.
const STYLE = `
*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2330;line-height:1.6;overflow-wrap:anywhere}
header{display:flex;flex-wrap:wrap;gap:.4rem 1rem;justify-content:space-between;align-items:center;border-bottom:1px solid #dde;margin-bottom:1.5rem}
header a{color:inherit;text-decoration:none;font-weight:600}
header nav{display:flex;flex-wrap:wrap;gap:.4rem .8rem;align-items:center}
.lang-switch{font-weight:400;text-decoration:underline}
form{display:grid;gap:.8rem;max-width:28rem}
label{display:grid;gap:.2rem;font-size:.95rem}
input,select,button{font:inherit;padding:.45rem .6rem;border:1px solid #aab;border-radius:6px;max-width:100%}
label>span>input[type=checkbox]{margin-right:.3rem}
button{background:#24509a;color:#fff;border:0;cursor:pointer}
.error{color:#a40000;background:#fff0f0;padding:.5rem .8rem;border-radius:6px}
.notice{background:#f0f6ff;padding:.5rem .8rem;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.92rem}td,th{border-bottom:1px solid #e4e4ee;padding:.35rem .4rem;text-align:left;vertical-align:top}
.table-scroll{overflow-x:auto}
code{background:#f4f4f8;padding:0 .25rem;border-radius:4px;word-break:break-all;white-space:pre-wrap}
img,svg{max-width:100%;height:auto}
.muted{color:#667}
body.wide{max-width:84rem}
form.filters{grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));max-width:none;align-items:end}
.pager{display:flex;gap:1rem;flex-wrap:wrap;margin:.6rem 0}
`;

/** The site's icon (GET /favicon.svg): a speech bubble with two dots, the product's 相槌. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M4 6h24a2 2 0 0 1 2 2v13a2 2 0 0 1-2 2H14l-7 6v-6H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z" fill="#24509a"/><circle cx="12" cy="14.5" r="2.2" fill="#fff"/><circle cx="20" cy="14.5" r="2.2" fill="#fff"/></svg>`;

/** Each language's name, written in itself, for the switch link. */
const LANG_NAMES: Record<Lang, string> = { ja: '日本語', en: 'English' };

/**
 * `path` (which may carry a query) with `lang` set to the given language; other parameters kept.
 * Only a same-site path: the switch must never point elsewhere. Resolving dot segments can leave
 * a path that starts with '//' (`/console/..//evil.example`), which a browser reads as another host
 * (RFC 3986 4.2), so leading slashes are folded into one after resolving.
 */
export function withLangParam(path: string, lang: Lang): string {
  const url = new URL(path, 'http://x');
  url.searchParams.set('lang', lang);
  return `${url.pathname.replace(/^\/{2,}/, '/')}${url.search}`;
}

export interface PageOptions {
  title: string;
  lang?: Lang;
  body: SafeHtml;
  nav?: SafeHtml;
  /**
   * The page's own address (path and query); when given, the header links to it in the other
   * language (issue 13: a language switch on every customer page, the mail inbox and sign-in).
   * `''` links with a query-only relative reference (`?lang=en`, RFC 3986 5.2: same path), for pages
   * whose path is a capability token that must not be written into the page.
   */
  switchPath?: string;
  /** Extra elements for <head> (the console's opt-in meta refresh). */
  head?: SafeHtml;
  /** A wider page for tables with many columns (the console). */
  wide?: boolean;
}

export function page({ title, lang = 'ja', body, nav, switchPath, head, wide }: PageOptions): string {
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const langSwitch =
    switchPath !== undefined
      ? html`<a class="lang-switch" data-testid="lang-switch" href="${switchPath === '' ? `?lang=${other}` : withLangParam(switchPath, other)}" hreflang="${other}" lang="${other}">${LANG_NAMES[other]}</a>`
      : '';
  return html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<title>${title} · aizuchi</title><style>${raw(STYLE)}</style>${head ?? ''}</head>
<body${wide ? raw(' class="wide"') : ''}><header><a href="/">aizuchi</a><nav>${nav ?? ''}${langSwitch}</nav></header>
<main>${body}</main></body></html>`.value;
}
