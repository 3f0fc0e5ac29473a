import type { PolicyPreset } from './presets';
import { type Proof, type ProofKind, missingProofs } from './proofs';

/** Verified facts only: each comes from the store or from this call's checks, never from speech. */
export interface ResetFacts {
  /** The proofs shown, each with its source (proofsFromEvidence); the policy names which it needs. */
  proofs: readonly Proof[];
  /** Risk flag when false: the callback number the requester gave is the number on record. */
  phoneOnRecord: boolean;
  /** An operator reviewed the case and approved calling a number not on record (clears the flag above). */
  operatorApprovedNumber: boolean;
  /** Another recovery request on the account within the policy window. */
  otherRecentRecovery: boolean;
  /** Failed code entries on this case. */
  failedCodeAttempts: number;
  /** The caller asked to change contact details (or any other risk flag raised on the call). */
  contactChangeRequested: boolean;
  privilegedAccount: boolean;
}

/** `missing_<proof>` names the proof the policy needed and the call did not show. */
export type MissingProofReason = `missing_${ProofKind}`;

export type NeedsPersonReason =
  MissingProofReason | 'phone_not_on_record' | 'recent_recovery' | 'failed_codes' | 'contact_change_request' | 'privileged_account';

export type ResetDecision =
  { action: 'reset' } | { action: 'cooling_off'; delayMs: number } | { action: 'needs_person'; reasons: NeedsPersonReason[] };

/**
 * SECURITY.md "Evidence": reset only when the policy's every required proof was shown and no risk
 * flag is up; anything else goes to a person. Every failing reason is listed (missing proofs in the
 * policy's order, then risk flags) so the case history says why. Privileged accounts always go to
 * a person, under every preset.
 */
export function decideReset(facts: ResetFacts, policy: PolicyPreset): ResetDecision {
  const reasons: NeedsPersonReason[] = missingProofs(policy.requiredProofs, facts.proofs).map(
    (kind): MissingProofReason => `missing_${kind}`,
  );
  if (!facts.phoneOnRecord && !facts.operatorApprovedNumber) reasons.push('phone_not_on_record');
  if (facts.otherRecentRecovery) reasons.push('recent_recovery');
  if (facts.failedCodeAttempts >= policy.maxFailedCodesBeforePerson) reasons.push('failed_codes');
  if (facts.contactChangeRequested) reasons.push('contact_change_request');
  if (facts.privilegedAccount) reasons.push('privileged_account');
  if (reasons.length > 0) return { action: 'needs_person', reasons };
  if (policy.coolingOffMs > 0) return { action: 'cooling_off', delayMs: policy.coolingOffMs };
  return { action: 'reset' };
}
