import { DateTime } from 'luxon';
import type { ChainedEvent } from '../../../audit/chain';
import { POLICY_NAMES, POLICY_PRESETS } from '../../../domain/policy';
import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { MAX_CLOSED_DATES, type SettingsForm, type SettingsProblem, type SettingsSnapshot, WEEKDAYS } from '../../../settings';
import { page } from '../layout';
import { consoleNav } from './console-pages';
import { localTime, zoneLabel } from './console-time';
import { type OperatorNames, operatorLabel } from './operator-label';
import { SETTINGS_TEXTS, problemText } from './settings-texts';

export interface SettingsView {
  lang: Lang;
  timeZone: string;
  snapshot: SettingsSnapshot;
  /** What the form shows: the settings in force, or what the admin typed when it was refused. */
  form: SettingsForm;
  /** The first open instant from now under the settings in force. */
  nextOpen: Date | null;
  /** Newest first: the settings' audit events. */
  history: ChainedEvent[];
  /** Names of the admins who saved (their ids otherwise). */
  names?: OperatorNames;
  /** Only for an admin: the form's CSRF field. Without it the page is read only. */
  csrfField?: SafeHtml;
  /** For the nav's sign-out form. */
  navCsrfField?: SafeHtml;
  problems?: SettingsProblem[];
  notice?: 'saved' | 'unchanged';
  switchPath?: string;
}

const HOUR_MS = 3_600_000;

function problemsFor(view: SettingsView, fields: string[]): SafeHtml {
  const mine = (view.problems ?? []).filter((p) => fields.includes(p.field));
  return html`${mine.map((p) => html`<p class="error" data-testid="error-${p.field}">${problemText(p, view.lang)}</p>`)}`;
}

/**
 * One stored change (live-settings.ts save: `{from, to}` per field) as a reader takes it: closed
 * dates as the dates added and removed, holidays as closed/open, hours and the policy as written.
 * A value of another shape (a row edited by hand) is shown as its JSON.
 */
function changeWords(field: string, from: unknown, to: unknown, lang: Lang): SafeHtml {
  const t = SETTINGS_TEXTS[lang];
  if (field === 'closedDates' && Array.isArray(from) && Array.isArray(to)) {
    const added = to.filter((d) => !from.includes(d)).map(String);
    const removed = from.filter((d) => !to.includes(d)).map(String);
    const parts = [
      ...(added.length > 0 ? [`${t.added}: ${added.join(', ')}`] : []),
      ...(removed.length > 0 ? [`${t.removed}: ${removed.join(', ')}`] : []),
    ];
    return html`${parts.join(' · ')}`;
  }
  const word = (v: unknown) =>
    field === 'japaneseHolidays' && typeof v === 'boolean'
      ? v
        ? t.holidaysClosed
        : t.holidaysOpen
      : typeof v === 'string'
        ? v
        : JSON.stringify(v);
  return html`<code>${word(from)}</code> → <code>${word(to)}</code>`;
}

function historyTable(view: SettingsView): SafeHtml {
  const t = SETTINGS_TEXTS[view.lang];
  if (view.history.length === 0) return html`<p class="muted">${t.noHistory}</p>`;
  const rows = view.history.map((e) => {
    const data = JSON.parse(e.data) as { actorId?: string; changes?: Record<string, { from: unknown; to: unknown }> };
    const changes = Object.entries(data.changes ?? {}).map(
      ([field, c]) => html`<li><strong>${t.fields[field] ?? field}</strong>: ${changeWords(field, c.from, c.to, view.lang)}</li>`,
    );
    return html`<tr data-testid="settings-change"><td>${localTime(e.at, view.timeZone)}</td><td>${data.actorId ? operatorLabel(data.actorId, view.names) : ''}</td><td><ul>${changes}</ul></td></tr>`;
  });
  return html`<div class="table-scroll"><table><tr><th>${t.when} (${zoneLabel(view.timeZone)})</th><th>${t.who}</th><th>${t.what}</th></tr>${rows}</table></div>`;
}

/**
 * GET /console/settings: what is in force (time zone, hours, closed dates, holidays, policy with the
 * proofs each preset needs), the next opening it gives, the form for an admin, and the change history.
 */
export function settingsPage(view: SettingsView): string {
  const t = SETTINGS_TEXTS[view.lang];
  const { snapshot, form, timeZone } = view;
  const editable = view.csrfField !== undefined;
  const dis = editable ? '' : html` disabled`;
  const source =
    snapshot.version === 0
      ? t.fromEnv
      : t.savedBy(
          snapshot.updatedBy ? operatorLabel(snapshot.updatedBy, view.names) : '',
          `${localTime(snapshot.updatedAt ?? '', timeZone)} ${zoneLabel(timeZone)}`,
          snapshot.version,
        );
  const next = view.nextOpen
    ? `${DateTime.fromJSDate(view.nextOpen, { zone: timeZone }).setLocale(view.lang).toFormat('yyyy-MM-dd (ccc) HH:mm')} ${zoneLabel(timeZone, view.nextOpen)}`
    : '—';
  const dayRows = WEEKDAYS.map(
    (d) =>
      html`<tr><th><label for="hours-${d}">${t.days[d]}</label></th><td><input id="hours-${d}" name="${d}" data-testid="hours-${d}" value="${form.hours[d]}" placeholder="${t.closed}" maxlength="100"${dis}>${problemsFor(view, [d])}</td></tr>`,
  );
  const current = snapshot.settings.policy;
  const presets = POLICY_NAMES.map((name) => {
    const p = POLICY_PRESETS[name];
    const facts = [
      ...p.requiredProofs.map((k) => t.proofs[k]),
      t.coolingOff(p.coolingOffMs / HOUR_MS),
      ...(p.keypadOnlyCodes ? [t.keypadOnly] : []),
    ];
    return html`<label><span><input type="radio" name="policy" value="${name}" data-testid="policy-${name}"${form.policy === name ? html` checked` : ''}${dis}><strong>${name}</strong> ${name === current ? t.current : ''}</span><span class="muted" data-testid="policy-proofs-${name}">${facts.join(' + ')}</span></label>`;
  });
  const errors = view.problems?.length
    ? html`<div class="error" data-testid="settings-errors"><p>${t.errorsTitle}</p><ul>${view.problems.map((p) => html`<li>${problemText(p, view.lang)}</li>`)}</ul></div>`
    : '';
  const notice = view.notice
    ? html`<p class="notice" data-testid="settings-notice">${view.notice === 'saved' ? t.saved : t.unchanged}</p>`
    : '';
  return page({
    title: t.title,
    lang: view.lang,
    wide: true,
    switchPath: view.switchPath,
    nav: consoleNav(view.navCsrfField ?? '', view.lang),
    body: html`<h1>${t.title}</h1>
${notice}${errors}${editable ? '' : html`<p class="notice" data-testid="settings-read-only">${t.readOnly}</p>`}
<table>
<tr><th>${t.timeZone}</th><td>${timeZone} (${zoneLabel(timeZone)}) <span class="muted">${t.timeZoneNote}</span></td></tr>
<tr><th>${t.source}</th><td data-testid="settings-source">${source}</td></tr>
<tr><th>${t.nextOpen}</th><td data-testid="next-open">${next}</td></tr>
</table>
<form method="post" action="/console/settings?lang=${view.lang}" data-testid="settings-form" style="max-width:none">${view.csrfField ?? ''}
<h2>${t.hours}</h2><p class="muted">${t.hoursHelp}</p>${problemsFor(view, ['hours'])}
<table>${dayRows}</table>
<h2><label for="closed-dates">${t.closedDates}</label></h2><p class="muted">${t.closedDatesHelp(MAX_CLOSED_DATES)}</p>
<textarea id="closed-dates" name="closedDates" data-testid="closed-dates" rows="4" cols="14"${dis}>${form.closedDates}</textarea>${problemsFor(view, ['closedDates'])}
<label><span><input type="checkbox" name="japaneseHolidays" value="on" data-testid="japanese-holidays"${form.japaneseHolidays ? html` checked` : ''}${dis}>${t.holidays}</span></label>
<h2>${t.policy}</h2><p class="muted">${t.policyHelp}</p>${presets}${problemsFor(view, ['policy'])}
${editable ? html`<label><span><input type="checkbox" name="confirmLower" value="on" data-testid="confirm-lower">${t.confirmLower}</span></label>${problemsFor(view, ['confirmLower'])}<button data-testid="settings-save">${t.save}</button>` : ''}
</form>
<h2>${t.history}</h2>${historyTable(view)}`,
  });
}
