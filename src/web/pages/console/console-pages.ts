import type { ChainedEvent } from '../../../audit/chain';
import type { CaseRow } from '../../../cases/case-service';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';

/** Sign-out is a POST checked for CSRF like every other form, so it carries the field when there is one. */
export const consoleNav = (csrfField: SafeHtml | '' = '') =>
  html`<a href="/console">Cases</a> · <a href="/dev/mail">Mail</a> · <form method="post" action="/signout" style="display:inline">${csrfField}<button>Sign out</button></form>`;

export interface MaskFns {
  email(e: string): string;
  phone(p: string): string;
}

/** Why a person must look at a case whatever its state; empty when nothing is pending. */
const FLAG_TEXT: Record<string, string> = {
  disowned_after_reset: 'Owner said "this wasn\'t me" after the reset: enrolment frozen, sessions revoked',
};
export const flagCell = (flag: string | null | undefined) =>
  flag ? html`<strong class="error" data-testid="review-flag">${FLAG_TEXT[flag] ?? flag}</strong>` : '';

/** The operator's buttons on a case: which apply, the form's CSRF field, and the last action's error. */
export interface CaseActionsView {
  available: { approve: boolean; cancel: boolean; callNow: boolean; unfreeze?: boolean };
  csrfField: SafeHtml;
  error?: string;
}

function actionForms(caseId: string, v: CaseActionsView): SafeHtml {
  const base = `/console/cases/${caseId}`;
  const { approve, cancel, callNow, unfreeze } = v.available;
  return html`<h2>Actions</h2>
${v.error ? html`<p class="error" role="alert" data-testid="action-error">${v.error}</p>` : ''}
${approve ? html`<form method="post" action="${base}/approve" data-testid="approve-form">${v.csrfField}<p class="muted">Approving allows the automated callback only; the customer must still enter the emailed code on the call.</p><button type="submit">Approve callback</button></form>` : ''}
${callNow ? html`<form method="post" action="${base}/call-now" data-testid="call-now-form">${v.csrfField}<label><input type="checkbox" name="outside_hours" value="1"> Call outside business hours</label><button type="submit">Call now</button></form>` : ''}
${cancel ? html`<form method="post" action="${base}/cancel" data-testid="cancel-form">${v.csrfField}<label>Reason (optional)<input name="reason" maxlength="200"></label><button type="submit">Cancel case</button></form>` : ''}
${unfreeze ? html`<form method="post" action="${base}/unfreeze-enrolment" data-testid="unfreeze-form">${v.csrfField}<p class="muted">Only after confirming with the owner: the next sign-in may then set up a new authenticator.</p><button type="submit">Allow enrolment of a new factor</button></form>` : ''}
${!approve && !callNow && !cancel && !unfreeze ? html`<p class="muted">No actions for a case in this state.</p>` : ''}`;
}

export function casePage(row: CaseRow, history: ChainedEvent[], mask: MaskFns, extra: SafeHtml[] = [], actions?: CaseActionsView): string {
  return page({
    title: `Case ${row.id.slice(0, 8)}`,
    lang: 'en',
    nav: consoleNav(actions?.csrfField),
    body: html`<h1>Case <code>${row.id}</code></h1>
<table>
<tr><th>Reference</th><td data-testid="case-reference">${row.reference ?? ''}</td></tr>
<tr><th>State</th><td data-testid="case-state">${row.state}</td></tr>
<tr><th>Outcome</th><td>${row.outcome ?? ''}</td></tr>
<tr><th>Email</th><td>${mask.email(row.email)}</td></tr>
<tr><th>Phone</th><td>${mask.phone(row.phone_e164)} ${row.phone_on_record ? '(on record)' : '(NOT on record)'}</td></tr>
<tr><th>Language</th><td>${row.lang}</td></tr>
<tr><th>Assurance</th><td>${row.assurance}</td></tr>
<tr><th>Consent</th><td>${row.consent_at} (${row.consent_version}); recording ${row.recording_consent ? 'yes' : 'no'}</td></tr>
<tr><th>Callback at</th><td data-testid="scheduled-at">${row.scheduled_at ?? ''}</td></tr>
<tr><th>Needs a person</th><td>${flagCell(row.review_flag)}</td></tr>
</table>
${actions ? actionForms(row.id, actions) : ''}
${extra}
<h2>Timeline</h2>
<table><thead><tr><th>#</th><th>Time (UTC)</th><th>Event</th><th>Details</th></tr></thead><tbody>
${history.map((e) => html`<tr><td>${e.seq}</td><td>${e.at}</td><td>${e.kind}</td><td><code>${e.data}</code></td></tr>`)}
</tbody></table>`,
  });
}
