import { DateTime } from 'luxon';
import { type CallStats, OUTCOME_GROUPS, type OutcomeGroup } from '../../../calls/stats/call-stats';
import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';
import { consoleNav } from './console-pages';
import { zoneLabel } from './console-time';

const TEXTS = {
  ja: {
    title: '統計',
    perHour: (zone: string) => `時間帯別の通話数（${zone}、網掛け＝営業時間）`,
    perDay: '日別の結果',
    containment: '自動完結率（リセット ÷ 結果の出た通話）',
    handle: '通話時間の分布',
    latency: '応答遅延の分布',
    latencyMissing: '応答遅延はまだ記録されていません。',
    range: (days: number) => `直近${days}日`,
    groups: { reset: 'リセット', failed: '失敗', escalated: '担当者へ', abandoned: '途中終了' } as Record<OutcomeGroup, string>,
    none: 'この期間に通話はありません。',
  },
  en: {
    title: 'Charts',
    perHour: (zone: string) => `Calls per hour of day (${zone}; shaded = hours of operation)`,
    perDay: 'Outcomes per day',
    containment: 'Containment (resets ÷ calls with an outcome)',
    handle: 'Handle time',
    latency: 'Response latency',
    latencyMissing: 'Response latency is not recorded yet.',
    range: (days: number) => `Last ${days} days`,
    groups: { reset: 'Reset', failed: 'Failed', escalated: 'Escalated', abandoned: 'Abandoned' } as Record<OutcomeGroup, string>,
    none: 'No calls in this period.',
  },
} as const;

const COLORS: Record<OutcomeGroup, string> = { reset: '#2e7d32', failed: '#a40000', escalated: '#e08a00', abandoned: '#667' };

/** Handle-time buckets in seconds (lower bounds); the last is open-ended. */
const HANDLE_BUCKETS = [0, 60, 120, 180, 300, 600];

export interface ChartsView {
  stats: CallStats;
  /** Local days (YYYY-MM-DD, oldest first) the range covers. */
  days: string[];
  /** Local hours of day (0–23) in which the business is open on at least one day of the range. */
  openHours: Set<number>;
  timeZone: string;
  lang: Lang;
  switchPath?: string;
  /** The CSRF field for the nav's sign-out form (without it sign-out is refused as a bad form). */
  csrfField?: SafeHtml;
}

interface Bar {
  label: string;
  /** Stacked parts; one part for a plain bar. */
  parts: Array<{ value: number; color: string; key: string }>;
  shaded?: boolean;
}

/**
 * A bar chart as inline SVG (no script, no CDN): bars scaled to the largest total, each part a
 * <rect> carrying its count in data-value so what is drawn can be checked against the data.
 */
function barChart(testId: string, bars: Bar[], title: string): SafeHtml {
  const w = 24;
  const gap = 6;
  const h = 160;
  const max = Math.max(1, ...bars.map((b) => b.parts.reduce((s, p) => s + p.value, 0)));
  const width = bars.length * (w + gap) + gap;
  return html`<figure><figcaption>${title}</figcaption><svg data-testid="${testId}" role="img" aria-label="${title}" viewBox="0 0 ${String(width)} ${String(h + 34)}" width="${String(width)}" height="${String(h + 34)}" xmlns="http://www.w3.org/2000/svg">
${bars.map((b, i) => {
  const x = gap + i * (w + gap);
  let y = h;
  const rects = b.parts.map((p) => {
    const ph = (p.value / max) * h;
    y -= ph;
    return html`<rect data-key="${p.key}" data-value="${String(p.value)}" x="${String(x)}" y="${y.toFixed(1)}" width="${String(w)}" height="${ph.toFixed(1)}" fill="${p.color}"><title>${b.label}: ${String(p.value)}</title></rect>`;
  });
  return html`<g data-label="${b.label}">${b.shaded ? html`<rect class="open" x="${String(x - gap / 2)}" y="0" width="${String(w + gap)}" height="${String(h)}" fill="#e8f0ff"></rect>` : ''}${rects}<text x="${String(x + w / 2)}" y="${String(h + 14)}" font-size="9" text-anchor="middle">${b.label}</text></g>`;
})}
</svg></figure>`;
}

/** Local hour of day and local day of a UTC hour bucket `YYYY-MM-DDTHH`. */
function local(utcHour: string, timeZone: string): { hour: number; day: string } {
  const dt = DateTime.fromISO(`${utcHour}:00:00Z`).setZone(timeZone);
  return { hour: dt.hour, day: dt.toFormat('yyyy-MM-dd') };
}

/** The charts page: calls per hour against the hours of operation, outcomes per day, containment, handle time. */
export function chartsPage(view: ChartsView): string {
  const t = TEXTS[view.lang];
  const { stats, timeZone } = view;
  const perHour = Array.from({ length: 24 }, () => 0);
  for (const s of stats.started) perHour[local(s.utcHour, timeZone).hour]! += s.calls;
  const perDay = new Map(view.days.map((d) => [d, { reset: 0, failed: 0, escalated: 0, abandoned: 0 } as Record<OutcomeGroup, number>]));
  for (const e of stats.ended) {
    const day = perDay.get(local(e.utcHour, timeZone).day);
    if (day) day[e.group] += e.calls;
  }
  const totals = { reset: 0, failed: 0, escalated: 0, abandoned: 0 } as Record<OutcomeGroup, number>;
  for (const d of perDay.values()) for (const g of OUTCOME_GROUPS) totals[g] += d[g];
  const decided = OUTCOME_GROUPS.reduce((s, g) => s + totals[g], 0);
  const containment = decided ? `${((totals.reset / decided) * 100).toFixed(1)}%` : '—';
  const handle = HANDLE_BUCKETS.map((lo, i) => {
    const hi = HANDLE_BUCKETS[i + 1];
    const n = stats.handleSeconds.filter((s) => s >= lo && (hi === undefined || s < hi)).length;
    return { label: hi === undefined ? `${lo / 60}m+` : `${lo / 60}–${hi / 60}m`, parts: [{ value: n, color: '#24509a', key: 'calls' }] };
  });
  return page({
    title: t.title,
    lang: view.lang,
    wide: true,
    switchPath: view.switchPath,
    nav: consoleNav(view.csrfField ?? '', view.lang),
    body: html`<h1>${t.title}</h1><p class="muted">${t.range(view.days.length)} (${zoneLabel(timeZone)})</p>
${barChart(
  'calls-per-hour',
  perHour.map((n, h) => ({ label: String(h), parts: [{ value: n, color: '#24509a', key: 'calls' }], shaded: view.openHours.has(h) })),
  t.perHour(zoneLabel(timeZone)),
)}
${barChart(
  'outcomes-per-day',
  [...perDay.entries()].map(([day, c]) => ({
    label: day.slice(5),
    parts: OUTCOME_GROUPS.map((g) => ({ value: c[g], color: COLORS[g], key: g })),
  })),
  t.perDay,
)}
<p>${OUTCOME_GROUPS.map((g) => html`<span style="color:${COLORS[g]}">■</span> ${t.groups[g]} <span data-testid="total-${g}">${String(totals[g])}</span> `)}</p>
<h2>${t.containment}</h2><p data-testid="containment">${containment}</p>
${barChart('handle-time', handle, t.handle)}
<h2>${t.latency}</h2><p class="muted">${t.latencyMissing}</p>
${stats.started.length === 0 && stats.ended.length === 0 ? html`<p class="muted">${t.none}</p>` : ''}`,
  });
}
