import type { CaseRow } from '../../../cases/case-service';
import { CASE_PAGE_SIZES, CASE_REASONS, type CasePage, type CaseReason, CASE_SORTS } from '../../../cases/case-search';
import { CASE_STATES } from '../../../domain/cases/case-state';
import { type SafeHtml, html, raw } from '../../../html/safe-html';
import { page } from '../layout';
import { consoleNav, flagCell, type MaskFns } from './console-pages';
import { CONSOLE_TEXTS, type ConsoleTexts, assuranceWords, eventWords, outcomeWords, stateWords } from './console-texts';
import { localTime, zoneLabel } from './console-time';
import type { Lang } from '../../../domain/lang';

/** The list's query as the operator typed it, echoed back into the form and every link. */
export interface CaseListQuery {
  lang?: string;
  ref?: string;
  email?: string;
  phone?: string;
  state?: string;
  reason?: string;
  from?: string;
  to?: string;
  sort?: string;
  dir?: string;
  size?: number;
  refresh?: string;
}

export interface CaseListView {
  result: CasePage;
  /** A reference or phone filter with no digits in it: nothing was searched, and the page says why. */
  digitsOnly?: boolean;
  reasons: Map<string, CaseReason>;
  query: CaseListQuery;
  mask: MaskFns;
  /** The business time zone every time on the page is shown in (config AIZUCHI_TIMEZONE). */
  timeZone: string;
  /** Seconds between reloads when auto-refresh is on. */
  refreshSeconds: number;
  csrfField?: SafeHtml;
  /** The signed-in person's console role, shown so a viewer knows why there are no buttons. */
  role?: string;
  lang: Lang;
  /** The list's own path and query, for the language switch. */
  switchPath?: string;
  /** Shown when the operator may store their language: the POST form's CSRF field. */
  rememberLangField?: SafeHtml;
  /** The language was just saved. */
  langSaved?: boolean;
}

/** `/console` with the query's non-empty fields and `changes` applied, for sort, paging and refresh links. */
function listHref(query: CaseListQuery, changes: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...changes })) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `/console?${qs}` : '/console';
}

const SORT_LABELS = (t: ConsoleTexts): Record<(typeof CASE_SORTS)[number], string> => ({
  created_at: t.created,
  updated_at: t.updated,
  scheduled_at: t.callAt,
  state: t.state,
});

/** A column head that sorts by its column; a second click reverses the order. */
function sortHead(t: ConsoleTexts, query: CaseListQuery, sort: (typeof CASE_SORTS)[number], suffix = ''): SafeHtml {
  const current = (query.sort ?? 'created_at') === sort;
  const dir = query.dir === 'asc' ? 'asc' : 'desc';
  const next = current && dir === 'desc' ? 'asc' : 'desc';
  const arrow = current ? (dir === 'desc' ? ' ↓' : ' ↑') : '';
  return html`<th${current ? html` aria-sort="${dir === 'desc' ? 'descending' : 'ascending'}"` : ''}><a href="${listHref(query, { sort, dir: next, page: undefined })}" data-testid="sort-${sort}">${SORT_LABELS(t)[sort]}${suffix}${arrow}</a></th>`;
}

/** The outcome and the event that moved the case in words, the event's own name and detail kept for search. */
function reasonCell(row: CaseRow, reason: CaseReason | undefined, lang: Lang): SafeHtml | string {
  const words = [row.outcome, reason?.kind].filter((p, i, all): p is string => !!p && all.indexOf(p) === i);
  if (words.length === 0) return '';
  const codes = [row.outcome, reason?.kind, reason?.detail].filter((p, i, all): p is string => !!p && all.indexOf(p) === i);
  return html`<span data-testid="case-reason">${words.map((w) => outcomeWords(w, lang)).join(' · ')}</span> <code class="muted">${codes.join(' · ')}</code>`;
}

/**
 * The case list: filters (partial email, last digits of the phone, state, reason, created-date
 * range in the business time zone), sortable columns, page links with the total, and an opt-in
 * auto-refresh (a meta refresh, so it works without script).
 */
export function caseListPage(view: CaseListView): string {
  const { result, query, timeZone, lang } = view;
  const t = CONSOLE_TEXTS[lang];
  const zone = zoneLabel(timeZone);
  const first = result.total === 0 ? 0 : (result.page - 1) * result.pageSize + 1;
  const last = Math.min(result.total, result.page * result.pageSize);
  const refreshing = query.refresh === '1';
  const pager = html`<nav class="pager" data-testid="pager"><span data-testid="page-info">${t.pageInfo(first, last, result.total, result.page, result.pages)}</span>
${result.page > 1 ? html` <a rel="prev" data-testid="prev-page" href="${listHref(query, { page: result.page - 1 })}">${t.prev}</a>` : ''}
${result.page < result.pages ? html` <a rel="next" data-testid="next-page" href="${listHref(query, { page: result.page + 1 })}">${t.next}</a>` : ''}</nav>`;
  return page({
    title: t.cases,
    lang,
    switchPath: view.switchPath,
    nav: consoleNav(view.csrfField, lang),
    head: refreshing ? html`<meta http-equiv="refresh" content="${String(view.refreshSeconds)}">` : undefined,
    wide: true,
    body: html`<h1>${t.cases}</h1>
${view.role ? html`<p class="muted" data-testid="console-role">${t.signedInAs(view.role)}${view.role === 'viewer' ? t.readOnly : ''}</p>` : ''}
${view.langSaved ? html`<p class="notice" role="status" data-testid="lang-saved">${t.langSaved}</p>` : ''}
${view.rememberLangField ? html`<form method="post" action="/console/preferences" class="inline-form">${view.rememberLangField}<input type="hidden" name="lang" value="${lang}"><button type="submit" data-testid="remember-lang">${t.rememberLang}</button></form>` : ''}
<form method="get" action="/console" class="filters" data-testid="case-filters">
  <input type="hidden" name="lang" value="${lang}">
  <label>${t.reference}<input name="ref" value="${query.ref ?? ''}" inputmode="numeric" pattern="[0-9０-９]{6}" maxlength="6" placeholder="123456" data-testid="ref-filter"></label>
  <label>${t.emailContains}<input name="email" value="${query.email ?? ''}" maxlength="254" autocomplete="off"></label>
  <label>${t.phoneEndsWith}<input name="phone" value="${query.phone ?? ''}" inputmode="numeric" pattern="[0-9０-９]{1,15}" maxlength="15" placeholder="5678"></label>
  <label>${t.state}<select name="state"><option value="">${t.any}</option>${CASE_STATES.map(
    (s) => html`<option value="${s}"${query.state === s ? ' selected' : ''}>${stateWords(s, lang)}</option>`,
  )}</select></label>
  <label>${t.reason}<select name="reason"><option value="">${t.any}</option>${CASE_REASONS.map(
    (r) => html`<option value="${r}"${query.reason === r ? ' selected' : ''}>${eventWords(r, lang)}</option>`,
  )}</select></label>
  <label>${t.createdFrom} (${zone})<input type="date" name="from" value="${query.from ?? ''}"></label>
  <label>${t.createdTo} (${zone})<input type="date" name="to" value="${query.to ?? ''}"></label>
  <label>${t.perPage}<select name="size">${CASE_PAGE_SIZES.map(
    (n) => html`<option${(query.size ?? 50) === n ? ' selected' : ''}>${String(n)}</option>`,
  )}</select></label>
  ${query.sort ? html`<input type="hidden" name="sort" value="${query.sort}">` : ''}${query.dir ? html`<input type="hidden" name="dir" value="${query.dir}">` : ''}
  <button type="submit">${t.search}</button>
</form>
<p><a href="${listHref(query, { refresh: refreshing ? undefined : '1' })}" data-testid="refresh-toggle">${refreshing ? t.refreshOn(view.refreshSeconds) : t.refreshOff}</a></p>
${pager}
<div class="table-scroll"><table data-testid="case-table"><thead><tr>${sortHead(t, query, 'created_at', ` (${zone})`)}<th>${t.reference}</th>${sortHead(t, query, 'state')}<th>${t.reason}</th><th>${t.email}</th><th>${t.phone}</th><th>${t.assurance}</th>${sortHead(t, query, 'scheduled_at', ` (${zone})`)}${sortHead(t, query, 'updated_at', ` (${zone})`)}<th>${t.needsPerson}</th></tr></thead><tbody>
${result.rows.map(
  (r) =>
    html`<tr data-testid="case-row"><td><a href="/console/cases/${r.id}?lang=${lang}">${localTime(r.created_at, timeZone)}</a></td><td data-testid="row-reference">${r.reference ?? ''}</td><td data-state="${r.state}">${stateWords(r.state, lang)}</td><td>${reasonCell(r, view.reasons.get(r.id), lang)}</td><td>${view.mask.email(r.email)}</td><td>${view.mask.phone(r.phone_e164)}</td><td>${assuranceWords(r.assurance, lang)}</td><td>${r.scheduled_at ? localTime(r.scheduled_at, timeZone) : ''}</td><td>${localTime(r.updated_at, timeZone)}</td><td>${flagCell(r.review_flag, lang)}</td></tr>`,
)}
</tbody></table></div>${view.digitsOnly ? html`<p class="error" role="alert" data-testid="filter-error">${t.digitsOnly}</p>` : result.total === 0 ? html`<p class="muted">${t.noMatch}</p>` : ''}
${result.pages > 1 ? pager : raw('')}`,
  });
}
