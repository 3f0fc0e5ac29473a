/** The reset policy: presets and the one pure decision. */
export { type MissingProofReason, type NeedsPersonReason, type ResetDecision, type ResetFacts, decideReset } from './decide-reset';
export { POLICY_NAMES, POLICY_PRESETS, type PolicyName, type PolicyPreset, UnknownPolicyError, policyPreset } from './presets';
export {
  type CallEvidence,
  InvalidProofError,
  PROOF_KINDS,
  PROOF_SOURCES,
  type Proof,
  type ProofKind,
  type ProofSource,
  missingProofs,
  proof,
  proofsFromEvidence,
  unreachableProofs,
} from './proofs';
export {
  CHECKLIST_ATTESTS,
  CHECKLIST_ITEMS,
  type ChecklistItemId,
  type ManualDecision,
  type ManualEvidence,
  type ManualPolicy,
  checklistWords,
  decideManualRecovery,
  isChecklistItem,
} from './manual-checklist';
