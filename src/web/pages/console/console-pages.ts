import type { ChainedEvent } from '../../../audit/chain';
import type { CaseRow } from '../../../cases/case-service';
import { type SafeHtml, html } from '../../../html/safe-html';
import type { Lang } from '../../../domain/lang';
import { page } from '../layout';
import { CONSOLE_TEXTS, assuranceWords, langName, outcomeWords, stateWords, withCode } from './console-texts';
import { CALL_TEXTS } from './call-section-texts';
import { localTime, zoneLabel } from './console-time';
import type { OperatorNames } from './operator-label';
import { timelineSection } from './timeline';

/**
 * The same links on every console page (cases, escalations, live calls, charts, settings, sessions, mail,
 * sign-out), so no page is a dead end. Sign-out is a POST checked for CSRF like every other form, so it carries the
 * field when there is one.
 */
export const consoleNav = (csrfField: SafeHtml | '' = '', lang: Lang = 'en') => {
  const t = CONSOLE_TEXTS[lang];
  return html`<a href="/console?lang=${lang}">${t.cases}</a> · <a href="/console/escalations?lang=${lang}">${t.escalations}</a> · <a href="/console/live?lang=${lang}">${t.live}</a> · <a href="/console/softphone?lang=${lang}">${t.softphone}</a> · <a href="/console/charts?lang=${lang}">${t.charts}</a> · <a href="/console/settings?lang=${lang}">${t.settings}</a> · <a href="/console/sessions?lang=${lang}">${t.sessions}</a> · <a href="/dev/mail">${t.mail}</a> · <form method="post" action="/signout" style="display:inline">${csrfField}<button>${t.signOut}</button></form>`;
};

export interface MaskFns {
  email(e: string): string;
  phone(p: string): string;
}

/** Why a person must look at a case whatever its state, in the operator's language; empty when nothing is pending. */
export const flagCell = (flag: string | null | undefined, lang: Lang = 'en') =>
  flag ? html`<strong class="error" data-testid="review-flag">${CALL_TEXTS[lang].flags[flag] ?? flag}</strong>` : '';

/** The operator's buttons on a case: which apply, the form's CSRF field, and the last action's error. */
export interface CaseActionsView {
  available: { approve: boolean; cancel: boolean; callNow: boolean; unfreeze?: boolean };
  csrfField: SafeHtml;
  /** Offer "Show" beside the masked phone and email (contact-reveal.ts; operator and admin). */
  reveal?: boolean;
  error?: string;
}

/**
 * The "Show" button beside a masked phone or email: a CSRF-checked POST to
 * /console/cases/:id/reveal (contact-reveal.ts), behind a fresh re-authentication.
 */
export function revealButton(caseId: string, field: 'phone' | 'email', csrfField: SafeHtml, lang: Lang): SafeHtml {
  return html`<form method="post" action="/console/cases/${caseId}/reveal?lang=${lang}" style="display:inline">${csrfField}<input type="hidden" name="field" value="${field}"><button type="submit" data-testid="reveal-${field}">${CONSOLE_TEXTS[lang].reveal}</button></form>`;
}

function actionForms(caseId: string, v: CaseActionsView, lang: Lang): SafeHtml {
  const t = CALL_TEXTS[lang];
  const base = `/console/cases/${caseId}`;
  const { approve, cancel, callNow, unfreeze } = v.available;
  return html`<h2>${t.actions}</h2>
${v.error ? html`<p class="error" role="alert" data-testid="action-error">${v.error}</p>` : ''}
${approve ? html`<form method="post" action="${base}/approve?lang=${lang}" data-testid="approve-form">${v.csrfField}<p class="muted">${t.approveHint}</p><button type="submit">${t.approve}</button></form>` : ''}
${callNow ? html`<form method="post" action="${base}/call-now?lang=${lang}" data-testid="call-now-form">${v.csrfField}<label><input type="checkbox" name="outside_hours" value="1"> ${t.outsideHours}</label><button type="submit">${t.callNow}</button></form>` : ''}
${cancel ? html`<form method="post" action="${base}/cancel?lang=${lang}" data-testid="cancel-form">${v.csrfField}<label>${t.cancelReason}<input name="reason" maxlength="200"></label><button type="submit">${t.cancel}</button></form>` : ''}
${unfreeze ? html`<form method="post" action="${base}/unfreeze-enrolment?lang=${lang}" data-testid="unfreeze-form">${v.csrfField}<p class="muted">${t.unfreezeHint}</p><button type="submit">${t.unfreeze}</button></form>` : ''}
${!approve && !callNow && !cancel && !unfreeze ? html`<p class="muted">${t.noActions}</p>` : ''}`;
}

/** The operator's language and the business time zone the page is written in. */
export interface ConsoleLocale {
  lang: Lang;
  timeZone: string;
  /** The page's own path and query, for the language switch. */
  switchPath?: string;
  /** Names of the operators the timeline names (their ids otherwise). */
  names?: OperatorNames;
}

export function casePage(
  row: CaseRow,
  history: ChainedEvent[],
  mask: MaskFns,
  extra: SafeHtml[] = [],
  actions?: CaseActionsView,
  locale: ConsoleLocale = { lang: 'en', timeZone: 'Asia/Tokyo' },
): string {
  const { lang, timeZone } = locale;
  const t = CONSOLE_TEXTS[lang];
  const zone = zoneLabel(timeZone);
  const when = (iso: string | null | undefined) => (iso ? `${localTime(iso, timeZone)} ${zone}` : '');
  const show = (field: 'phone' | 'email') => (actions?.reveal ? revealButton(row.id, field, actions.csrfField, lang) : '');
  return page({
    title: `${t.case} ${row.reference ?? row.id.slice(0, 8)}`,
    lang,
    wide: true,
    switchPath: locale.switchPath,
    nav: consoleNav(actions?.csrfField, lang),
    body: html`<h1>${t.case} <code>${row.id}</code></h1>
<table>
<tr><th>${t.reference}</th><td data-testid="case-reference">${row.reference ?? ''}</td></tr>
<tr><th>${t.state}</th><td>${lang === 'en' ? '' : `${stateWords(row.state, lang)} `}<code data-testid="case-state">${row.state}</code></td></tr>
<tr><th>${t.outcome}</th><td>${row.outcome ? withCode(outcomeWords(row.outcome, lang), row.outcome) : ''}</td></tr>
<tr><th>${t.email}</th><td>${mask.email(row.email)} ${show('email')}</td></tr>
<tr><th>${t.phone}</th><td>${mask.phone(row.phone_e164)} ${row.phone_on_record ? t.onRecord : t.notOnRecord} ${show('phone')}</td></tr>
<tr><th>${t.language}</th><td>${langName(row.lang, lang)}</td></tr>
<tr><th>${t.assurance}</th><td>${withCode(assuranceWords(row.assurance, lang), row.assurance)}</td></tr>
<tr><th>${t.consent}</th><td>${when(row.consent_at)} (<code>${row.consent_version}</code>); ${t.recording(Boolean(row.recording_consent))}</td></tr>
<tr><th>${t.callbackAt}</th><td data-testid="scheduled-at">${when(row.scheduled_at)}</td></tr>
<tr><th>${t.needsPerson}</th><td>${flagCell(row.review_flag, lang)}</td></tr>
</table>
${actions ? actionForms(row.id, actions, lang) : ''}
${extra}
${timelineSection(history, lang, timeZone, locale.names)}`,
  });
}
