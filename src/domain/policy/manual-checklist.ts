import type { Lang } from '../lang';
import { PROOF_SOURCES, type Proof, type ProofKind } from './proofs';

/**
 * Manual recovery by a person (issue 10; SECURITY.md "Manual recovery"). An operator who could not
 * let the agent decide does their own checks from the policy's checklist and ticks each one done.
 * A ticked item is the operator's attestation (`operator_checked`): a person's word that they saw
 * the thing happen, never possession shown to aizuchi, so it counts only here and never in the
 * agent's decideReset. What an item attests:
 *  - a proof kind the operator witnessed (they rang the number on record themselves; the customer
 *    read back a code the operator sent to the address of record);
 *  - `identity_proofing`: an identity document checked per the company's procedure. It stands in
 *    for the password an operator cannot see (NIST SP 800-63B-4 recovery: repeated identity proofing);
 *  - `takeover_review`: the account's recent activity read for signs of takeover, the operator's
 *    answer to the risk flags the agent raised. It proves nothing.
 */
export const CHECKLIST_ITEMS = ['called_number_on_record', 'code_read_back', 'identity_document', 'activity_reviewed'] as const;
export type ChecklistItemId = (typeof CHECKLIST_ITEMS)[number];
export const isChecklistItem = (v: unknown): v is ChecklistItemId =>
  typeof v === 'string' && (CHECKLIST_ITEMS as readonly string[]).includes(v);

export type Attests = ProofKind | 'identity_proofing' | 'takeover_review';

export const CHECKLIST_ATTESTS: Readonly<Record<ChecklistItemId, Attests>> = {
  called_number_on_record: 'phone_possession',
  code_read_back: 'mailbox_possession',
  identity_document: 'identity_proofing',
  activity_reviewed: 'takeover_review',
};

const WORDS: Record<Lang, Record<ChecklistItemId, string>> = {
  ja: {
    called_number_on_record: '登録済みの電話番号に会社の電話から発信し、ご本人が応答した',
    code_read_back: '登録済みのメールアドレスに送ったコードを、お客様が読み上げて一致した',
    identity_document: '社内手順に従って本人確認書類を確認した',
    activity_reviewed: 'アカウントの最近の利用状況を確認し、乗っ取りの兆候がなかった',
  },
  en: {
    called_number_on_record: "Called the number on record from the company's phone and the account holder answered",
    code_read_back: 'The customer read back a code sent to the address of record, and it matched',
    identity_document: 'Identity document checked per company procedure',
    activity_reviewed: 'Account activity reviewed; no signs of takeover',
  },
};
export const checklistWords = (item: ChecklistItemId, lang: Lang): string => WORDS[lang][item];

/** The policy's part for manual recoveries (PolicyPreset.manual). */
export interface ManualPolicy {
  /** The items the form shows, in order; a `required` one must be ticked before anything happens. */
  checklist: ReadonlyArray<{ item: ChecklistItemId; required: boolean }>;
  /** Whose manual recovery waits for a second, different operator: privileged accounts only, or every account. */
  secondOperator: 'privileged' | 'always';
  /** How long a request waits for that approval before it expires (ms). */
  approvalTtlMs: number;
}

/** One piece of evidence a manual reset records: what the case showed aizuchi, or what the operator attested. */
export type ManualEvidence =
  (Proof & { source: Exclude<Proof['source'], 'operator_checked'> }) | { kind: Attests; source: 'operator_checked'; item: ChecklistItemId };

export type ManualDecision =
  | { action: 'refuse'; missingItems: ChecklistItemId[]; missingProofs: ProofKind[] }
  | { action: 'reset' | 'needs_second_operator'; evidence: ManualEvidence[] };

/**
 * The manual recovery rule. Refused unless every required checklist item is ticked and the
 * preset's required proofs are covered: each by a proof the case itself recorded (its own sources
 * only, PROOF_SOURCES), or by a ticked item attesting that kind; `password` also by a ticked
 * identity-document check. Items not on the preset's list are ignored. Otherwise the reset runs at
 * once, or waits for a second operator when the account is privileged (or the preset says always).
 * `evidence` lists the case's proofs, then the ticked items in the checklist's order.
 */
export function decideManualRecovery(input: {
  requiredProofs: readonly ProofKind[];
  manual: ManualPolicy;
  /** Items the operator ticked (form values; untrusted). */
  ticked: readonly string[];
  /** Proofs the case recorded before it reached a person (e.g. the password at request time). */
  caseProofs: readonly Proof[];
  privileged: boolean;
}): ManualDecision {
  const { manual } = input;
  const ticked = manual.checklist.filter((c) => input.ticked.includes(c.item)).map((c) => c.item);
  const missingItems = manual.checklist.filter((c) => c.required && !ticked.includes(c.item)).map((c) => c.item);
  const own = input.caseProofs.filter(
    (p): p is ManualEvidence & Proof => p.source !== 'operator_checked' && PROOF_SOURCES[p.kind].includes(p.source),
  );
  const attested: ManualEvidence[] = ticked.map((item) => ({ kind: CHECKLIST_ATTESTS[item], source: 'operator_checked', item }));
  const covered = (kind: ProofKind) =>
    own.some((p) => p.kind === kind) || attested.some((e) => e.kind === kind || (kind === 'password' && e.kind === 'identity_proofing'));
  const missingProofs = input.requiredProofs.filter((k) => !covered(k));
  if (missingItems.length > 0 || missingProofs.length > 0) return { action: 'refuse', missingItems, missingProofs };
  const evidence = [...own, ...attested];
  const second = manual.secondOperator === 'always' || input.privileged;
  return { action: second ? 'needs_second_operator' : 'reset', evidence };
}
