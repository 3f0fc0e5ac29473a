import type { CaseRow } from '../../../cases/case-service';
import { CASE_PAGE_SIZES, CASE_REASONS, type CasePage, type CaseReason, CASE_SORTS } from '../../../cases/case-search';
import { CASE_STATES } from '../../../domain/cases/case-state';
import { type SafeHtml, html, raw } from '../../../html/safe-html';
import { page } from '../layout';
import { consoleNav, flagCell, type MaskFns } from './console-pages';
import { localTime, zoneLabel } from './console-time';

/** The list's query as the operator typed it, echoed back into the form and every link. */
export interface CaseListQuery {
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
}

/** `/console` with the query's non-empty fields and `changes` applied, for sort, paging and refresh links. */
function listHref(query: CaseListQuery, changes: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...changes })) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `/console?${qs}` : '/console';
}

const SORT_LABELS: Record<(typeof CASE_SORTS)[number], string> = {
  created_at: 'Created',
  updated_at: 'Updated',
  scheduled_at: 'Call at',
  state: 'State',
};

/** A column head that sorts by its column; a second click reverses the order. */
function sortHead(query: CaseListQuery, sort: (typeof CASE_SORTS)[number], suffix = ''): SafeHtml {
  const current = (query.sort ?? 'created_at') === sort;
  const dir = query.dir === 'asc' ? 'asc' : 'desc';
  const next = current && dir === 'desc' ? 'asc' : 'desc';
  const arrow = current ? (dir === 'desc' ? ' ↓' : ' ↑') : '';
  return html`<th${current ? html` aria-sort="${dir === 'desc' ? 'descending' : 'ascending'}"` : ''}><a href="${listHref(query, { sort, dir: next, page: undefined })}" data-testid="sort-${sort}">${SORT_LABELS[sort]}${suffix}${arrow}</a></th>`;
}

function reasonCell(row: CaseRow, reason: CaseReason | undefined): SafeHtml | string {
  const parts = [row.outcome, reason?.kind, reason?.detail].filter((p, i, all): p is string => !!p && all.indexOf(p) === i);
  return parts.length ? html`<span data-testid="case-reason">${parts.join(' · ')}</span>` : '';
}

/**
 * The case list: filters (partial email, last digits of the phone, state, reason, created-date
 * range in the business time zone), sortable columns, page links with the total, and an opt-in
 * auto-refresh (a meta refresh, so it works without script).
 */
export function caseListPage(view: CaseListView): string {
  const { result, query, timeZone } = view;
  const zone = zoneLabel(timeZone);
  const first = result.total === 0 ? 0 : (result.page - 1) * result.pageSize + 1;
  const last = Math.min(result.total, result.page * result.pageSize);
  const refreshing = query.refresh === '1';
  const pager = html`<nav class="pager" data-testid="pager"><span data-testid="page-info">${first}–${last} of ${result.total} · page ${result.page} of ${result.pages}</span>
${result.page > 1 ? html` <a rel="prev" data-testid="prev-page" href="${listHref(query, { page: result.page - 1 })}">← Previous</a>` : ''}
${result.page < result.pages ? html` <a rel="next" data-testid="next-page" href="${listHref(query, { page: result.page + 1 })}">Next →</a>` : ''}</nav>`;
  return page({
    title: 'Cases',
    lang: 'en',
    nav: consoleNav(view.csrfField),
    head: refreshing ? html`<meta http-equiv="refresh" content="${String(view.refreshSeconds)}">` : undefined,
    wide: true,
    body: html`<h1>Cases</h1>
${view.role ? html`<p class="muted" data-testid="console-role">Signed in as ${view.role}${view.role === 'viewer' ? ' (read only)' : ''}</p>` : ''}
<form method="get" action="/console" class="filters" data-testid="case-filters">
  <label>Reference<input name="ref" value="${query.ref ?? ''}" inputmode="numeric" pattern="[0-9０-９]{6}" maxlength="6" placeholder="123456" data-testid="ref-filter"></label>
  <label>Email contains<input name="email" value="${query.email ?? ''}" maxlength="254" autocomplete="off"></label>
  <label>Phone ends with<input name="phone" value="${query.phone ?? ''}" inputmode="numeric" pattern="[0-9０-９]{1,15}" maxlength="15" placeholder="5678"></label>
  <label>State<select name="state"><option value="">any</option>${CASE_STATES.map(
    (s) => html`<option value="${s}"${query.state === s ? ' selected' : ''}>${s}</option>`,
  )}</select></label>
  <label>Reason<select name="reason"><option value="">any</option>${CASE_REASONS.map(
    (r) => html`<option value="${r}"${query.reason === r ? ' selected' : ''}>${r}</option>`,
  )}</select></label>
  <label>Created from (${zone})<input type="date" name="from" value="${query.from ?? ''}"></label>
  <label>Created to (${zone})<input type="date" name="to" value="${query.to ?? ''}"></label>
  <label>Per page<select name="size">${CASE_PAGE_SIZES.map(
    (n) => html`<option${(query.size ?? 50) === n ? ' selected' : ''}>${String(n)}</option>`,
  )}</select></label>
  ${query.sort ? html`<input type="hidden" name="sort" value="${query.sort}">` : ''}${query.dir ? html`<input type="hidden" name="dir" value="${query.dir}">` : ''}
  <button type="submit">Search</button>
</form>
<p><a href="${listHref(query, { refresh: refreshing ? undefined : '1' })}" data-testid="refresh-toggle">${refreshing ? `Auto-refresh is on (every ${view.refreshSeconds} s): turn off` : 'Turn on auto-refresh'}</a></p>
${pager}
<div class="table-scroll"><table data-testid="case-table"><thead><tr>${sortHead(query, 'created_at', ` (${zone})`)}<th>Reference</th>${sortHead(query, 'state')}<th>Reason</th><th>Email</th><th>Phone</th><th>Assurance</th>${sortHead(query, 'scheduled_at', ` (${zone})`)}${sortHead(query, 'updated_at', ` (${zone})`)}<th>Needs a person</th></tr></thead><tbody>
${result.rows.map(
  (r) =>
    html`<tr data-testid="case-row"><td><a href="/console/cases/${r.id}">${localTime(r.created_at, timeZone)}</a></td><td data-testid="row-reference">${r.reference ?? ''}</td><td>${r.state}</td><td>${reasonCell(r, view.reasons.get(r.id))}</td><td>${view.mask.email(r.email)}</td><td>${view.mask.phone(r.phone_e164)}</td><td>${r.assurance}</td><td>${r.scheduled_at ? localTime(r.scheduled_at, timeZone) : ''}</td><td>${localTime(r.updated_at, timeZone)}</td><td>${flagCell(r.review_flag)}</td></tr>`,
)}
</tbody></table></div>${result.total === 0 ? html`<p class="muted">No cases match.</p>` : ''}
${result.pages > 1 ? pager : raw('')}`,
  });
}
