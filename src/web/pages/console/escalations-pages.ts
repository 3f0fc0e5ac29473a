import { type CallSummary, factWords } from '../../../cases/escalations/call-summary';
import type { EscalationNote, QueueEntry } from '../../../cases/escalations/escalation-queue';
import { reasonWords } from '../../../cases/escalations/reasons';
import type { Lang } from '../../../domain/lang';
import { type SafeHtml, html } from '../../../html/safe-html';
import { page } from '../layout';
import { type MaskFns, consoleNav } from './console-pages';
import { type OperatorNames, operatorLabel } from './operator-label';
import { stateWords } from './console-texts';
import { CLOSE_REASONS, closeReasonWords } from '../../../cases/escalations/escalation-actions';

/** Reasons set at intake that an operator may approve for the automated callback (operator-actions.ts escalationReview). */
const APPROVABLE = new Set(['phone_not_on_record', 'recovery_locked']);

function holderForms(e: QueueEntry, v: EscalationView, base: string): SafeHtml {
  const t = T[v.lang];
  const zone = zonedText(new Date(0), v.timeZone).split(' ').at(-1) ?? v.timeZone;
  const approvable = APPROVABLE.has(e.escalation.reason) && e.caseRow.state === 'escalated';
  return html`<h2>${t.actions}</h2>
<form method="post" action="${base}/callback?lang=${v.lang}" data-testid="callback-form">${v.csrfField ?? ''}<label>${t.callbackAt(zone)}<input type="datetime-local" name="at" required></label><button type="submit">${t.scheduleCallback}</button></form>
${approvable ? html`<form method="post" action="${base}/approve?lang=${v.lang}" data-testid="approve-form">${v.csrfField ?? ''}<button type="submit">${t.approve}</button></form>` : ''}
<form method="post" action="${base}/close?lang=${v.lang}" data-testid="close-form">${v.csrfField ?? ''}<label>${t.closeReason}<select name="reason" required>${CLOSE_REASONS.map((r) => html`<option value="${r}">${closeReasonWords(r, v.lang)}</option>`)}</select></label><button type="submit">${t.close}</button></form>`;
}

/** What the queue pages need besides the rows: language, zone, who is looking, and the forms' CSRF field. */
export interface EscalationView {
  lang: Lang;
  /** The business time zone (AIZUCHI_TIME_ZONE), shown with every time. */
  timeZone: string;
  mask: MaskFns;
  /** The signed-in operator's id, to say "you" for their own claims. */
  me: string;
  /** Names of the holders and note authors (their ids otherwise). */
  names?: OperatorNames;
  /** Present when the signed-in person may act (operator or admin); absent for a viewer. */
  csrfField?: SafeHtml;
  error?: string;
  /** The holder's action forms (callback, approve, close) are offered. */
  holderActions?: boolean;
  /** A section from another area (manual recovery), after the actions. */
  extra?: SafeHtml;
}

const T = {
  ja: {
    title: 'エスカレーション',
    cases: 'ケース',
    reason: '理由',
    opened: '受付',
    sla: '対応期限',
    lang: '言語',
    preferred: 'ご希望の時間',
    email: 'メール',
    phone: '電話番号',
    holder: '担当',
    state: '状態',
    none: '対応待ちのエスカレーションはありません。',
    nobody: '未割当',
    you: 'あなた',
    left: (m: string) => `残り ${m}`,
    overdue: (m: string) => `${m} 超過`,
    summary: '通話の要約',
    calls: '通話数',
    risk: '注意事項',
    policy: 'ポリシーの理由',
    notes: 'メモ',
    noNotes: 'メモはありません。',
    addNote: 'メモを追加',
    noteHint: 'コードや完全な電話番号・メールアドレスは書かないでください。',
    claim: '担当する',
    release: '担当を外れる',
    readOnly: '閲覧のみ（操作はできません）',
    caseLink: 'ケースを開く',
    langNames: { ja: '日本語', en: '英語' } as Record<string, string>,
    notGiven: '指定なし',
    actions: '対応',
    callbackAt: (zone: string) => `担当者からの折り返し日時（${zone}、営業時間内）`,
    scheduleCallback: '折り返しを予約してメールで知らせる',
    approve: 'AIによる折り返しを承認（お客様にメールで日時を通知）',
    closeReason: '終了の理由',
    close: '終了してお客様に知らせる',
    claimFirst: '対応するには、まず担当してください。',
  },
  en: {
    title: 'Escalations',
    cases: 'Cases',
    reason: 'Reason',
    opened: 'Opened',
    sla: 'SLA',
    lang: 'Language',
    preferred: 'Preferred time',
    email: 'Email',
    phone: 'Phone',
    holder: 'Held by',
    state: 'State',
    none: 'No escalations are waiting.',
    nobody: 'unclaimed',
    you: 'you',
    left: (m: string) => `${m} left`,
    overdue: (m: string) => `overdue by ${m}`,
    summary: 'Call summary',
    calls: 'Calls',
    risk: 'Risk flags',
    policy: 'Policy reasons',
    notes: 'Notes',
    noNotes: 'No notes yet.',
    addNote: 'Add note',
    noteHint: 'Never write a code, or a full phone number or email address.',
    claim: 'Claim',
    release: 'Release',
    readOnly: 'Read only (no actions)',
    caseLink: 'Open the case',
    langNames: { ja: 'Japanese', en: 'English' } as Record<string, string>,
    notGiven: 'not given',
    actions: 'Actions',
    callbackAt: (zone: string) => `Person calls back at (${zone}, business hours)`,
    scheduleCallback: 'Schedule the call and mail the customer',
    approve: 'Approve the AI callback (the customer is mailed the time)',
    closeReason: 'Reason for closing',
    close: 'Close and tell the customer',
    claimFirst: 'Claim the escalation to act on it.',
  },
};

/** `2026-12-01 14:05 JST`-style text of an instant in the business zone, with the zone's short name. */
export function zonedText(at: Date | string, timeZone: string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '';
  // Intl names Asia/Tokyo "GMT+9" in en-US; JST is what operators read.
  const zone = timeZone === 'Asia/Tokyo' ? 'JST' : p('timeZoneName');
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')} ${zone}`;
}

/** A duration in whole minutes as "2 h 05 min" / "45 min" (ja: "2時間05分" / "45分"). */
function durationText(ms: number, lang: Lang): string {
  const min = Math.floor(Math.abs(ms) / 60_000);
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (lang === 'ja') return h > 0 ? `${h}時間${String(m).padStart(2, '0')}分` : `${m}分`;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

/** The SLA cell: time left, or how long overdue (marked so it stands out). */
export function slaCell(e: Pick<QueueEntry, 'msLeft'>, lang: Lang): SafeHtml {
  const t = T[lang];
  return e.msLeft >= 0
    ? html`<span data-testid="sla" data-overdue="false">${t.left(durationText(e.msLeft, lang))}</span>`
    : html`<strong class="error" data-testid="sla" data-overdue="true">${t.overdue(durationText(e.msLeft, lang))}</strong>`;
}

function holderText(e: QueueEntry, v: EscalationView): string {
  const t = T[v.lang];
  const who = e.escalation.claimed_by;
  return who === null ? t.nobody : operatorLabel(who, v.names, { me: v.me, word: t.you });
}

/** GET /console/escalations: the open escalations, most urgent first. */
export function escalationQueuePage(entries: QueueEntry[], v: EscalationView): string {
  const t = T[v.lang];
  return page({
    title: t.title,
    lang: v.lang,
    nav: consoleNav(v.csrfField ?? '', v.lang),
    switchPath: '/console/escalations',
    body: html`<h1>${t.title}</h1>
${v.csrfField ? '' : html`<p class="muted" data-testid="read-only">${t.readOnly}</p>`}
<div class="table-scroll"><table data-testid="escalation-queue"><thead><tr><th>${t.sla}</th><th>${t.reason}</th><th>${t.opened}</th><th>${t.lang}</th><th>${t.preferred}</th><th>${t.holder}</th><th>${t.state}</th></tr></thead><tbody>
${entries.map(
  (e) =>
    html`<tr data-escalation="${e.escalation.id}"><td>${slaCell(e, v.lang)}</td><td><a href="/console/escalations/${e.escalation.id}?lang=${v.lang}">${reasonWords(e.escalation.reason, v.lang)}</a></td><td>${zonedText(e.escalation.opened_at, v.timeZone)}</td><td>${t.langNames[e.caseRow.lang] ?? e.caseRow.lang}</td><td>${e.caseRow.scheduled_at ? zonedText(e.caseRow.scheduled_at, v.timeZone) : t.notGiven}</td><td data-testid="holder">${holderText(e, v)}</td><td data-state="${e.caseRow.state}">${stateWords(e.caseRow.state, v.lang)}</td></tr>`,
)}
</tbody></table></div>${entries.length === 0 ? html`<p class="muted">${t.none}</p>` : ''}
${v.extra ?? ''}`,
  });
}

/**
 * The policy's needs_person reasons (domain/policy/decide-reset.ts NeedsPersonReason) in words; a
 * reason this build does not know is shown as its code. Windows and counts are the presets' (presets.ts).
 */
const POLICY_REASON_WORDS: Record<Lang, Record<string, string>> = {
  ja: {
    missing_password: '不足: パスワード',
    missing_phone_possession: '不足: 登録済み電話番号への発信',
    missing_mailbox_possession: '不足: メールで送ったコード',
    phone_not_on_record: '登録にない電話番号',
    recent_recovery: '30日以内に同じアカウントの別の依頼',
    failed_codes: 'コードの誤りが続いた',
    contact_change_request: '連絡先の変更の申し出',
    privileged_account: '特権アカウント',
  },
  en: {
    missing_password: 'missing: password',
    missing_phone_possession: 'missing: a call to the number on record',
    missing_mailbox_possession: 'missing: the code sent by mail',
    phone_not_on_record: 'number not on record',
    recent_recovery: 'another request for the account in 30 days',
    failed_codes: 'repeated wrong codes',
    contact_change_request: 'asked to change contact details',
    privileged_account: 'privileged account',
  },
};

/** The agent's risk flags (agent/global-intents.ts `risk_flag` kinds) in words; an unknown one as its kind. */
const RISK_WORDS: Record<Lang, Record<string, string>> = {
  ja: {
    third_party: 'ご本人以外が代わりに手続きしようとした',
    caller_denies_request: 'お客様が依頼を否定',
    contact_change_request: '連絡先の変更の申し出',
  },
  en: {
    third_party: 'someone other than the holder acting for them',
    caller_denies_request: 'the caller denied making the request',
    contact_change_request: 'asked to change contact details',
  },
};

function summaryBlock(s: CallSummary, lang: Lang): SafeHtml {
  const t = T[lang];
  return html`<h2>${t.summary}</h2>
<table data-testid="call-summary">${s.facts.map((f) => {
    const w = factWords(f, lang);
    return html`<tr data-check="${f.check}" data-held="${String(f.held)}"><th>${w.label}</th><td>${w.value}</td></tr>`;
  })}
<tr><th>${t.calls}</th><td>${s.calls}</td></tr>
${s.riskFlags.length ? html`<tr><th>${t.risk}</th><td data-testid="risk-flags">${s.riskFlags.map((r) => RISK_WORDS[lang][r] ?? r).join(lang === 'ja' ? '、' : ', ')}</td></tr>` : ''}
${s.policyReasons.length ? html`<tr><th>${t.policy}</th><td data-testid="policy-reasons">${s.policyReasons.map((r) => POLICY_REASON_WORDS[lang][r] ?? r).join(lang === 'ja' ? '、' : ', ')}</td></tr>` : ''}
</table>`;
}

/**
 * GET /console/escalations/:id: reason, SLA, the agent's summary, who holds it, notes, and (for an
 * operator) the claim/release and note forms, and the holder's action forms.
 */
export function escalationPage(e: QueueEntry & { summary: CallSummary; notes: EscalationNote[] }, v: EscalationView): string {
  const t = T[v.lang];
  const base = `/console/escalations/${e.escalation.id}`;
  const open = e.escalation.closed_at === null;
  const mine = e.escalation.claimed_by === v.me;
  const claimForms = !v.csrfField
    ? html`<p class="muted" data-testid="read-only">${t.readOnly}</p>`
    : !open
      ? ''
      : e.escalation.claimed_by === null
        ? html`<form method="post" action="${base}/claim?lang=${v.lang}" data-testid="claim-form">${v.csrfField}<button type="submit">${t.claim}</button></form>`
        : mine
          ? html`<form method="post" action="${base}/release?lang=${v.lang}" data-testid="release-form">${v.csrfField}<button type="submit">${t.release}</button></form>`
          : '';
  return page({
    title: `${t.title} ${e.escalation.id.slice(0, 8)}`,
    lang: v.lang,
    nav: consoleNav(v.csrfField ?? '', v.lang),
    switchPath: base,
    body: html`<h1>${reasonWords(e.escalation.reason, v.lang)}</h1>
${v.error ? html`<p class="error" role="alert" data-testid="action-error">${v.error}</p>` : ''}
<table>
<tr><th>${t.sla}</th><td>${open ? slaCell(e, v.lang) : (e.escalation.resolution ?? '')}</td></tr>
<tr><th>${t.opened}</th><td>${zonedText(e.escalation.opened_at, v.timeZone)}</td></tr>
<tr><th>${t.holder}</th><td data-testid="holder">${holderText(e, v)}</td></tr>
<tr><th>${t.lang}</th><td>${t.langNames[e.caseRow.lang] ?? e.caseRow.lang}</td></tr>
<tr><th>${t.preferred}</th><td>${e.caseRow.scheduled_at ? zonedText(e.caseRow.scheduled_at, v.timeZone) : t.notGiven}</td></tr>
<tr><th>${t.email}</th><td>${v.mask.email(e.caseRow.email)}</td></tr>
<tr><th>${t.phone}</th><td>${v.mask.phone(e.caseRow.phone_e164)}</td></tr>
<tr><th>${t.state}</th><td data-testid="case-state" data-state="${e.caseRow.state}">${stateWords(e.caseRow.state, v.lang)}</td></tr>
</table>
<p><a href="/console/cases/${e.caseRow.id}?lang=${v.lang}">${t.caseLink}</a></p>
${claimForms}
${summaryBlock(e.summary, v.lang)}
${v.csrfField && open && v.holderActions ? (mine ? holderForms(e, v, base) : html`<p class="muted">${t.claimFirst}</p>`) : ''}
${v.extra ?? ''}
<h2>${t.notes}</h2>
${e.notes.length === 0 ? html`<p class="muted">${t.noNotes}</p>` : html`<ul data-testid="notes">${e.notes.map((n) => html`<li><span class="muted">${zonedText(n.at, v.timeZone)} · ${operatorLabel(n.operatorId, v.names, { me: v.me, word: t.you })}</span><br>${n.text}</li>`)}</ul>`}
${v.csrfField ? html`<form method="post" action="${base}/note?lang=${v.lang}" data-testid="note-form">${v.csrfField}<label>${t.addNote}<textarea name="text" maxlength="1000" rows="3" required></textarea></label><p class="muted">${t.noteHint}</p><button type="submit">${t.addNote}</button></form>` : ''}`,
  });
}
