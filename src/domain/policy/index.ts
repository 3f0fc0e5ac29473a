/** The reset policy: presets and the one pure decision. */
export { type NeedsPersonReason, type ResetDecision, type ResetFacts, decideReset } from './decide-reset';
export { POLICY_NAMES, POLICY_PRESETS, type PolicyName, type PolicyPreset, UnknownPolicyError, policyPreset } from './presets';
