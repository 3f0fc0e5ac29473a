import type { ManualPolicy } from './manual-checklist';
import type { ProofKind } from './proofs';
import { AizuchiError } from '../errors';

/** Recovery policies (AIZUCHI_POLICY). Presets, not free settings: each is a reviewed combination. */
export const POLICY_NAMES = ['standard', 'strict', 'mailbox'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface PolicyPreset {
  name: PolicyName;
  /** Every proof the agent needs before a reset (SECURITY.md "Evidence"); a missing one sends the case to a person. */
  requiredProofs: readonly ProofKind[];
  /** Time between a verified call and the reset; 0 resets on the call. */
  coolingOffMs: number;
  /** The code may only be typed on the keypad, never spoken. */
  keypadOnlyCodes: boolean;
  /** Privileged accounts never reset by the agent, under every preset (SECURITY.md): the type admits no other value. */
  privilegedToPerson: true;
  /** How far back another recovery on the account is a risk flag. */
  recentRecoveryWindowMs: number;
  /** Failed code entries on the case from which a person must decide. */
  maxFailedCodesBeforePerson: number;
  /** A person's recovery: the operator's checklist and when a second operator must approve (manual-checklist.ts). */
  manual: ManualPolicy;
}

const DAY_MS = 24 * 3_600_000;

/** Password + a call aizuchi placed to the number on record + the emailed code (issue 7, finding 3). */
const STANDARD_PROOFS: readonly ProofKind[] = ['password', 'phone_possession', 'mailbox_possession'];

/** Every check, every one required: the person sees what the agent would have needed, and more. */
const FULL_CHECKLIST: ManualPolicy['checklist'] = [
  { item: 'called_number_on_record', required: true },
  { item: 'code_read_back', required: true },
  { item: 'identity_document', required: true },
  { item: 'activity_reviewed', required: true },
];

export const POLICY_PRESETS: Readonly<Record<PolicyName, PolicyPreset>> = {
  standard: {
    name: 'standard',
    requiredProofs: STANDARD_PROOFS,
    coolingOffMs: 0,
    keypadOnlyCodes: false,
    privilegedToPerson: true,
    recentRecoveryWindowMs: 30 * DAY_MS,
    maxFailedCodesBeforePerson: 2,
    manual: { checklist: FULL_CHECKLIST, secondOperator: 'privileged', approvalTtlMs: DAY_MS },
  },
  strict: {
    name: 'strict',
    requiredProofs: STANDARD_PROOFS,
    coolingOffMs: DAY_MS,
    keypadOnlyCodes: true,
    privilegedToPerson: true,
    recentRecoveryWindowMs: 30 * DAY_MS,
    maxFailedCodesBeforePerson: 2,
    // Strict puts two people on every manual recovery, not only privileged ones.
    manual: { checklist: FULL_CHECKLIST, secondOperator: 'always', approvalTtlMs: DAY_MS },
  },
  /**
   * For deployments without telephony: password + the emailed code over any channel (NIST SP
   * 800-63B-4 recovery: a remaining authenticator plus a recovery code sent to an address of record).
   */
  mailbox: {
    name: 'mailbox',
    requiredProofs: ['password', 'mailbox_possession'],
    coolingOffMs: 0,
    keypadOnlyCodes: false,
    privilegedToPerson: true,
    recentRecoveryWindowMs: 30 * DAY_MS,
    maxFailedCodesBeforePerson: 2,
    // Without telephony the operator may have no company phone to ring from: that check is optional.
    manual: {
      checklist: [
        { item: 'code_read_back', required: true },
        { item: 'identity_document', required: true },
        { item: 'activity_reviewed', required: true },
        { item: 'called_number_on_record', required: false },
      ],
      secondOperator: 'privileged',
      approvalTtlMs: DAY_MS,
    },
  },
};

export class UnknownPolicyError extends AizuchiError {
  constructor(name: string) {
    super(`unknown policy "${name}" (expected one of ${POLICY_NAMES.join(', ')})`, { code: 'unknown_policy' });
  }
}

/** The preset called `name`; throws UnknownPolicyError naming every preset otherwise. */
export function policyPreset(name: string): PolicyPreset {
  if (!(POLICY_NAMES as readonly string[]).includes(name)) throw new UnknownPolicyError(name);
  return POLICY_PRESETS[name as PolicyName];
}
