import type { ChainedEvent } from '../../../audit/chain';
import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { CONSOLE_TEXTS, eventWords, stateWords } from './console-texts';
import { localTime, zoneLabel } from './console-time';
import { type OperatorNames, operatorLabel } from './operator-label';
import { factLabel, yesNo } from './timeline-words';

/** Event data fields the timeline shows in other columns (who, the state change) or in the calls section (figures) rather than as details. */
const SHOWN_ELSEWHERE = new Set(['from', 'to', 'operatorId', 'operator', 'state', 'figures']);

/** An ISO-8601 UTC instant as event data stores it (`at`, `expiresAt`, …). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z$/;

/** Event data fields that hold a console principal's id (cases/escalations/manual-recovery.ts, operator-actions.ts). */
const OPERATOR_FIELDS = new Set(['operatorId', 'requestedBy', 'approvedBy', 'decidedBy', 'actorId']);

/** The operator ids a history names, for settings/operator-names.ts to name before the page is drawn. */
export function operatorIdsIn(history: ReadonlyArray<{ data: string }>): string[] {
  return history.flatMap((e) =>
    Object.entries(parse(e.data)).flatMap(([k, v]) => (OPERATOR_FIELDS.has(k) && typeof v === 'string' ? [v] : [])),
  );
}

/** A detail value as people read it: instants in the business zone with the zone named (never UTC), operators by name, the rest as stored. */
function factValue(key: string, v: unknown, lang: Lang, timeZone: string, zone: string, names: OperatorNames | undefined): string {
  if (typeof v === 'string' && OPERATOR_FIELDS.has(key)) return operatorLabel(v, names);
  if (typeof v === 'string') return ISO_INSTANT.test(v) ? `${localTime(v, timeZone)} ${zone}` : v;
  if (typeof v === 'boolean') return yesNo(v, lang);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(', ');
  return JSON.stringify(v);
}

/**
 * Who did it, from the event's data: an operator (`operatorId` from the console, `operator: 'cli'`
 * from the CLI; cases/operator-actions.ts actorFields), the customer (their own link or call), or
 * the system (jobs, the agent, timers).
 */
function actor(data: Record<string, unknown>, lang: Lang, names: OperatorNames | undefined): string {
  const t = CONSOLE_TEXTS[lang];
  if (typeof data.operatorId === 'string') return t.operator(names?.get(data.operatorId) ?? data.operatorId.slice(0, 12));
  if (data.operator === 'cli') return t.cli;
  if (data.via === 'email_link' || data.via === 'web' || data.by === 'customer') return t.customer;
  return t.system;
}

function parse(data: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(data);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A case's audit history as people read it: when (business time zone, zone named), the event in
 * words with a state change as "from → to", who did it, the remaining facts as `label: value` (timeline-words.ts; yes/no, lists joined), and
 * each event's place in the hash chain (prev → hash) behind a <details> toggle.
 */
export function timelineSection(history: ChainedEvent[], lang: Lang, timeZone: string, names?: OperatorNames): SafeHtml {
  const t = CONSOLE_TEXTS[lang];
  const zone = zoneLabel(timeZone);
  return html`<h2>${t.timeline}</h2>
<div class="table-scroll"><table data-testid="timeline"><thead><tr><th>${t.time} (${zone})</th><th>${t.event}</th><th>${t.who}</th><th>${t.details}</th></tr></thead><tbody>
${history.map((e) => {
  const data = parse(e.data);
  const move =
    typeof data.to === 'string'
      ? html` <span class="muted">(${typeof data.from === 'string' ? `${stateWords(data.from, lang)} → ` : ''}${stateWords(data.to, lang)})</span>`
      : '';
  const facts = Object.entries(data)
    .filter(([k]) => !SHOWN_ELSEWHERE.has(k))
    .map(([k, v]) => `${factLabel(k, lang)}: ${factValue(k, v, lang, timeZone, zone, names)}`)
    .join(' · ');
  return html`<tr data-testid="timeline-event"><td>${localTime(e.at, timeZone)}</td><td><span data-testid="event-words">${eventWords(e.kind, lang)}</span>${move} <code class="muted">${e.kind}</code></td><td>${actor(data, lang, names)}</td><td><span data-testid="event-facts">${facts}</span><details data-testid="chain"><summary>${t.chain} #${String(e.seq)}</summary><code>${e.prevHash.slice(0, 16)}… → ${e.hash}</code></details></td></tr>`;
})}
</tbody></table></div>`;
}
