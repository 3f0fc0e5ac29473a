import type { CaseRow } from '../../../cases/case-service';
import type { ManualRecovery } from '../../../cases/escalations/manual-recovery';
import type { Lang } from '../../../domain/lang';
import { type ManualEvidence, type ManualPolicy, checklistWords } from '../../../domain/policy';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';
import { type MaskFns, consoleNav } from './console-pages';
import { zonedText } from './escalations-pages';
import { SETTINGS_TEXTS } from './settings-texts';
import { type OperatorNames, operatorLabel } from './operator-label';

const T = {
  ja: {
    title: '手動リカバリー',
    formTitle: '手動リカバリー（担当者による確認）',
    intro: 'ポリシーが定める確認をご自身で行い、済んだ項目にチェックを入れてください。チェックはあなたの証言として記録されます。',
    required: '必須',
    optional: '任意',
    note: '確認内容のメモ',
    noteHint: 'コードや完全な電話番号・メールアドレスは書かないでください。',
    privileged: '特権アカウントです。別のオペレーターの承認後にリセットされます。',
    privilegedTag: '特権アカウント',
    operatorChecked: 'オペレーターが確認',
    attests: { identity_proofing: '本人確認', takeover_review: '乗っ取りの有無の確認' } as Record<string, string>,
    sources: {
      request_password: '依頼時のパスワード',
      signed_handoff: '署名付きの引き継ぎ',
      outbound_call_to_record: '登録済み番号への発信',
      inbound_call_from_record: '登録済み番号からの着信',
      sms_otp: 'SMSのコード',
      emailed_code: 'メールで送ったコード',
    } as Record<string, string>,
    secondAlways: 'このポリシーでは、別のオペレーターの承認後にリセットされます。',
    submit: '確認を記録してリカバリーする',
    claimFirst: 'エスカレーションを担当してから操作してください。',
    account: 'アカウント',
    requestedBy: '依頼者',
    requestedAt: '依頼日時',
    expiresAt: '承認期限',
    state: '状態',
    decidedBy: '判断者',
    checks: 'オペレーターが確認した項目',
    evidence: '記録される証拠',
    approve: '承認してMFAをリセット',
    reject: '却下',
    ownRequest: 'あなたの依頼です。別のオペレーターの承認を待っています。',
    pendingList: '承認待ちの手動リカバリー',
    waiting: (n: number) => `承認待ちの手動リカバリー: ${n}件`,
    none: '承認待ちはありません。',
    open: '開く',
    expired: '期限切れ',
    you: 'あなた',
    states: { pending: '承認待ち', approved: '承認済み', rejected: '却下', expired: '期限切れ', failed: '失敗' } as Record<string, string>,
    failedList: 'リセットに失敗した手動リカバリー',
    failureReason: '失敗の理由',
    failedNext:
      'お客様のMFAはリセットされていません（お客様には何も通知していません）。エスカレーションの担当者が確認をやり直し、再度依頼できます。',
    reasons: {
      provider_refused: 'IDプロバイダーがリセットを拒否しました（再試行しても成功しません。設定や権限を確認してください）',
      provider_retries_exhausted: 'IDプロバイダーが応答せず、自動再試行の上限に達しました',
      reset_error: 'リセットの途中でエラーが発生しました',
    } as Record<string, string>,
    outcome: {
      pending_approval: '依頼を記録しました。別のオペレーターの承認を待っています。',
      reset: 'MFAをリセットしました。お客様にメールでお知らせしました。',
      reset_incomplete: 'リセットの一部が失敗しました。自動で再試行し、それでも失敗した場合は「失敗」と表示します。',
      failed: 'リセットに失敗しました。MFAはリセットされていません。',
      rejected: '却下しました。',
    } as Record<string, string>,
    caseLink: 'ケースを開く',
    escalationLink: 'エスカレーションに戻る',
  },
  en: {
    title: 'Manual recovery',
    formTitle: 'Manual recovery (checked by a person)',
    intro: 'Do the checks the policy lists yourself and tick each one done. Each tick is recorded as your attestation.',
    required: 'required',
    optional: 'optional',
    note: 'What you checked (note)',
    noteHint: 'Never write a code, or a full phone number or email address.',
    privileged: 'This is a privileged account: the reset runs only once a second operator approves.',
    privilegedTag: 'privileged',
    operatorChecked: 'checked by the operator',
    attests: { identity_proofing: 'identity proofing', takeover_review: 'account takeover review' } as Record<string, string>,
    sources: {
      request_password: 'password at request',
      signed_handoff: 'signed hand-off',
      outbound_call_to_record: 'call to the number on record',
      inbound_call_from_record: 'call from the number on record',
      sms_otp: 'SMS code',
      emailed_code: 'code sent by mail',
    } as Record<string, string>,
    secondAlways: 'Under this policy the reset runs only once a second operator approves.',
    submit: 'Record the checks and recover',
    claimFirst: 'Claim the escalation to act on it.',
    account: 'Account',
    requestedBy: 'Requested by',
    requestedAt: 'Requested at',
    expiresAt: 'Approve before',
    state: 'State',
    decidedBy: 'Decided by',
    checks: 'Checks the operator attested',
    evidence: 'Evidence the reset records',
    approve: 'Approve and reset MFA',
    reject: 'Reject',
    ownRequest: 'This is your request: it waits for a second operator.',
    pendingList: 'Manual recoveries waiting for approval',
    waiting: (n: number) => `Manual recoveries waiting for a second operator: ${n}`,
    none: 'Nothing is waiting for approval.',
    open: 'Open',
    expired: 'expired',
    you: 'you',
    states: { pending: 'waiting for approval', approved: 'approved', rejected: 'rejected', expired: 'expired', failed: 'failed' } as Record<
      string,
      string
    >,
    failedList: 'Manual recoveries whose reset failed',
    failureReason: 'Why it failed',
    failedNext:
      'The customer’s MFA was not reset (and the customer was told nothing). The escalation’s holder may check again and submit a new request.',
    reasons: {
      provider_refused: 'The identity provider refused the reset (retrying cannot help; check its configuration and permissions)',
      provider_retries_exhausted: 'The identity provider kept failing; automatic retries ran out',
      reset_error: 'The reset broke off with an error',
    } as Record<string, string>,
    outcome: {
      pending_approval: 'Recorded. It now waits for a second operator’s approval.',
      reset: 'MFA was reset and the customer was mailed.',
      reset_incomplete: 'Part of the reset failed; it is retried automatically, and shown as failed if that does not work either.',
      failed: 'The reset failed; MFA was not reset.',
      rejected: 'Rejected.',
    } as Record<string, string>,
    caseLink: 'Open the case',
    escalationLink: 'Back to the escalation',
  },
};

export interface ManualView {
  lang: Lang;
  timeZone: string;
  mask: MaskFns;
  /** The signed-in principal's id. */
  me: string;
  /** Names of the requesters and approvers (their ids otherwise). */
  names?: OperatorNames;
  /** The server's clock, to mark requests past their approval time. */
  now: Date;
  /** Present when the signed-in person may act (operator or admin). */
  csrfField?: SafeHtml;
  error?: string;
  /** A finished action's outcome (ManualOutcome), shown once after the redirect. */
  done?: string;
}

const shell = (v: ManualView, title: string, switchPath: string, body: SafeHtml) =>
  page({ title, lang: v.lang, nav: consoleNav(v.csrfField ?? '', v.lang), switchPath, body });

const errorLine = (v: ManualView) => (v.error ? html`<p class="error" role="alert" data-testid="action-error">${v.error}</p>` : '');

/** GET /console/escalations/:id/manual: the policy's checklist (every required box), a note, and who must approve. */
export function manualFormPage(
  args: { escalationId: string; caseRow: CaseRow; manual: ManualPolicy; privileged: boolean; holder: boolean },
  v: ManualView,
): string {
  const t = T[v.lang];
  const base = `/console/escalations/${args.escalationId}`;
  const second = args.manual.secondOperator === 'always' ? t.secondAlways : args.privileged ? t.privileged : '';
  const form =
    v.csrfField && args.holder
      ? html`<form method="post" action="${base}/manual?lang=${v.lang}" data-testid="manual-form">${v.csrfField}
<p>${t.intro}</p>
<fieldset data-testid="checklist">${args.manual.checklist.map(
          (c) =>
            html`<p><label><input type="checkbox" name="item" value="${c.item}"${c.required ? html` required` : ''}> ${checklistWords(c.item, v.lang)} <span class="muted">(${c.required ? t.required : t.optional})</span></label></p>`,
        )}</fieldset>
<label>${t.note}<textarea name="note" maxlength="1000" rows="3" required></textarea></label><p class="muted">${t.noteHint}</p>
${second ? html`<p class="notice" data-testid="second-operator">${second}</p>` : ''}
<button type="submit">${t.submit}</button></form>`
      : html`<p class="muted">${t.claimFirst}</p>`;
  return shell(
    v,
    t.title,
    `${base}/manual`,
    html`<h1>${t.formTitle}</h1>${errorLine(v)}
<table><tr><th>${t.account}</th><td>${v.mask.email(args.caseRow.email)} · ${v.mask.phone(args.caseRow.phone_e164)}</td></tr></table>
${form}
<p><a href="${base}?lang=${v.lang}">${t.escalationLink}</a> · <a href="/console/cases/${args.caseRow.id}?lang=${v.lang}">${t.caseLink}</a></p>`,
  );
}

/** One piece of evidence in words: the proof and where it came from, or the checklist item the operator attested. */
function evidenceText(e: ManualEvidence, lang: Lang): string {
  const t = T[lang];
  const proof = (SETTINGS_TEXTS[lang].proofs as Record<string, string>)[e.kind] ?? t.attests[e.kind] ?? e.kind;
  const from =
    e.source === 'operator_checked' ? `${t.operatorChecked}: ${checklistWords(e.item, lang)}` : (t.sources[e.source] ?? e.source);
  return lang === 'ja' ? `${proof}（${from}）` : `${proof} (${from})`;
}

const reasonText = (r: ManualRecovery, lang: Lang) => T[lang].reasons[r.failure_reason ?? ''] ?? r.failure_reason ?? '';

const who = (id: string | null, v: ManualView) => (id === null ? '' : operatorLabel(id, v.names, { me: v.me, word: T[v.lang].you }));

/** GET /console/manual-recoveries/:id: what was checked and by whom; approve / reject for a different operator. */
export function manualReviewPage(r: ManualRecovery, caseRow: CaseRow, v: ManualView): string {
  const t = T[v.lang];
  const base = `/console/manual-recoveries/${r.id}`;
  const expired = r.state === 'pending' && r.expires_at !== null && Date.parse(r.expires_at) <= v.now.getTime();
  const mine = r.requested_by === v.me;
  const decide =
    r.state !== 'pending' || expired || !v.csrfField
      ? ''
      : mine
        ? html`<p class="notice" data-testid="own-request">${t.ownRequest}</p>`
        : html`<form method="post" action="${base}/approve?lang=${v.lang}" data-testid="approve-manual-form" style="display:inline">${v.csrfField}<button type="submit">${t.approve}</button></form>
<form method="post" action="${base}/reject?lang=${v.lang}" data-testid="reject-manual-form" style="display:inline">${v.csrfField}<button type="submit">${t.reject}</button></form>`;
  return shell(
    v,
    t.title,
    base,
    html`<h1>${t.title}</h1>${errorLine(v)}
${v.done ? html`<p class="notice" role="status" data-testid="manual-done">${t.outcome[v.done] ?? v.done}</p>` : ''}
<table>
<tr><th>${t.state}</th><td data-testid="manual-state" data-state="${expired ? 'expired' : r.state}">${expired ? t.expired : (t.states[r.state] ?? r.state)}</td></tr>
<tr><th>${t.account}</th><td>${v.mask.email(caseRow.email)} · ${v.mask.phone(caseRow.phone_e164)}${r.privileged ? ` · ${t.privilegedTag}` : ''}</td></tr>
<tr><th>${t.requestedBy}</th><td data-testid="requested-by">${who(r.requested_by, v)}</td></tr>
<tr><th>${t.requestedAt}</th><td>${zonedText(r.requested_at, v.timeZone)}</td></tr>
${r.expires_at ? html`<tr><th>${t.expiresAt}</th><td>${zonedText(r.expires_at, v.timeZone)}</td></tr>` : ''}
${r.decided_by ? html`<tr><th>${t.decidedBy}</th><td data-testid="decided-by">${who(r.decided_by, v)}</td></tr>` : ''}
${r.state === 'failed' ? html`<tr><th>${t.failureReason}</th><td data-testid="failure-reason" data-reason="${r.failure_reason ?? ''}">${reasonText(r, v.lang)}</td></tr>` : ''}
</table>
${r.state === 'failed' ? html`<p class="notice" data-testid="failed-next">${t.failedNext}</p>` : ''}
<h2>${t.checks}</h2><ul data-testid="attested">${r.checklist.map((i) => html`<li data-item="${i}">${checklistWords(i, v.lang)}</li>`)}</ul>
<h2>${t.note}</h2><p data-testid="manual-note">${r.note}</p>
<h2>${t.evidence}</h2><ul data-testid="evidence">${r.evidence.map((e) => html`<li>${evidenceText(e, v.lang)}</li>`)}</ul>
${decide}
<p><a href="/console/escalations/${r.escalation_id}?lang=${v.lang}">${t.escalationLink}</a> · <a href="/console/cases/${r.case_id}?lang=${v.lang}">${t.caseLink}</a></p>`,
  );
}

/** The failed requests under the waiting ones: when (business zone), who asked, why it failed. */
function failedTable(rows: ManualRecovery[], v: ManualView): SafeHtml | string {
  const t = T[v.lang];
  if (rows.length === 0) return '';
  return html`<h2>${t.failedList}</h2>
<table data-testid="manual-failed"><tbody>${rows.map(
    (r) =>
      html`<tr data-request="${r.id}" data-reason="${r.failure_reason ?? ''}"><td>${zonedText(r.requested_at, v.timeZone)}</td><td>${who(r.requested_by, v)}</td><td>${reasonText(r, v.lang)}</td><td><a href="/console/manual-recoveries/${r.id}?lang=${v.lang}">${t.open}</a></td></tr>`,
  )}</tbody></table>`;
}

/** GET /console/manual-recoveries: requests waiting for a second operator (oldest first), then failed ones (newest first). */
export function manualPendingPage(rows: ManualRecovery[], v: ManualView, failed: ManualRecovery[] = []): string {
  const t = T[v.lang];
  return shell(
    v,
    t.pendingList,
    '/console/manual-recoveries',
    html`<h1>${t.pendingList}</h1>
${rows.length === 0 ? html`<p class="muted">${t.none}</p>` : ''}
<table data-testid="manual-pending"><tbody>${rows.map(
      (r) =>
        html`<tr data-request="${r.id}"><td>${zonedText(r.requested_at, v.timeZone)}</td><td>${who(r.requested_by, v)}</td><td>${r.expires_at && Date.parse(r.expires_at) <= v.now.getTime() ? t.expired : zonedText(r.expires_at ?? r.requested_at, v.timeZone)}</td><td><a href="/console/manual-recoveries/${r.id}?lang=${v.lang}">${t.open}</a></td></tr>`,
    )}</tbody></table>
${failedTable(failed, v)}`,
  );
}

/** The escalation page's line about manual recovery: the checklist link for the holder, and requests waiting. */
export function manualEscalationSection(
  args: { escalationId: string; requests: ManualRecovery[]; holder: boolean; canAct: boolean; names?: OperatorNames },
  lang: Lang,
): SafeHtml {
  const t = T[lang];
  const pending = args.requests.filter((r) => r.state === 'pending');
  return html`<h2>${t.title}</h2>
${args.canAct && args.holder && pending.length === 0 ? html`<p><a href="/console/escalations/${args.escalationId}/manual?lang=${lang}" data-testid="manual-link">${t.formTitle}</a></p>` : ''}
${args.requests.length ? html`<ul data-testid="manual-requests">${args.requests.map((r) => html`<li><a href="/console/manual-recoveries/${r.id}?lang=${lang}">${t.states[r.state] ?? r.state}</a> · ${operatorLabel(r.requested_by, args.names)}</li>`)}</ul>` : ''}`;
}

/** The queue page's line: how many manual recoveries wait for a second operator, linking to them. */
export function manualQueueLine(count: number, lang: Lang): SafeHtml {
  return html`<p data-testid="manual-waiting"><a href="/console/manual-recoveries?lang=${lang}">${T[lang].waiting(count)}</a></p>`;
}
