import type { Lang } from '../../domain/lang';
import { type SafeHtml, html, raw } from '../../html/safe-html';

const STYLE = `
body{font-family:system-ui,"Hiragino Sans","Noto Sans JP",sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2330;line-height:1.6}
header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #dde;margin-bottom:1.5rem}
header a{color:inherit;text-decoration:none;font-weight:600}
form{display:grid;gap:.8rem;max-width:28rem}
label{display:grid;gap:.2rem;font-size:.95rem}
input,select,button{font:inherit;padding:.45rem .6rem;border:1px solid #aab;border-radius:6px}
button{background:#24509a;color:#fff;border:0;cursor:pointer}
.error{color:#a40000;background:#fff0f0;padding:.5rem .8rem;border-radius:6px}
.notice{background:#f0f6ff;padding:.5rem .8rem;border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:.92rem}td,th{border-bottom:1px solid #e4e4ee;padding:.35rem .4rem;text-align:left;vertical-align:top}
code{background:#f4f4f8;padding:0 .25rem;border-radius:4px;word-break:break-all;white-space:pre-wrap}
.muted{color:#667}
`;

export interface PageOptions {
  title: string;
  lang?: Lang;
  body: SafeHtml;
  nav?: SafeHtml;
}

export function page({ title, lang = 'ja', body, nav }: PageOptions): string {
  return html`<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title} · aizuchi</title><style>${raw(STYLE)}</style></head>
<body><header><a href="/">aizuchi</a><nav>${nav ?? ''}</nav></header>
<main>${body}</main></body></html>`.value;
}
