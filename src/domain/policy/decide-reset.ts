import type { PolicyPreset } from './presets';

/** Verified facts only: each comes from the store or from this call's checks, never from speech. */
export interface ResetFacts {
  /** The password was verified when the request was made (case assurance). */
  passwordVerifiedAtRequest: boolean;
  /** The call went to the phone number on record. */
  phoneOnRecord: boolean;
  /** An operator reviewed the case and approved calling a number not on record (SECURITY.md "Evidence" (2)). */
  operatorApprovedNumber: boolean;
  /** The emailed code was verified on this call. */
  codeVerifiedOnCall: boolean;
  /** Another recovery request on the account within the policy window. */
  otherRecentRecovery: boolean;
  /** Failed code entries on this case. */
  failedCodeAttempts: number;
  /** The caller asked to change contact details (or any other risk flag raised on the call). */
  contactChangeRequested: boolean;
  privilegedAccount: boolean;
}

export type NeedsPersonReason =
  | 'password_not_verified'
  | 'phone_not_on_record'
  | 'code_not_verified'
  | 'recent_recovery'
  | 'failed_codes'
  | 'contact_change_request'
  | 'privileged_account';

export type ResetDecision =
  | { action: 'reset' }
  | { action: 'cooling_off'; delayMs: number }
  | { action: 'needs_person'; reasons: NeedsPersonReason[] };

/**
 * SECURITY.md "Evidence": reset only when every piece of evidence holds and no risk flag is up;
 * anything else goes to a person. Every failing reason is listed so the case history says why.
 */
export function decideReset(facts: ResetFacts, policy: PolicyPreset): ResetDecision {
  const reasons: NeedsPersonReason[] = [];
  if (!facts.passwordVerifiedAtRequest) reasons.push('password_not_verified');
  if (!facts.phoneOnRecord && !facts.operatorApprovedNumber) reasons.push('phone_not_on_record');
  if (!facts.codeVerifiedOnCall) reasons.push('code_not_verified');
  if (facts.otherRecentRecovery) reasons.push('recent_recovery');
  if (facts.failedCodeAttempts >= policy.maxFailedCodesBeforePerson) reasons.push('failed_codes');
  if (facts.contactChangeRequested) reasons.push('contact_change_request');
  if (facts.privilegedAccount && policy.privilegedToPerson) reasons.push('privileged_account');
  if (reasons.length > 0) return { action: 'needs_person', reasons };
  if (policy.coolingOffMs > 0) return { action: 'cooling_off', delayMs: policy.coolingOffMs };
  return { action: 'reset' };
}
