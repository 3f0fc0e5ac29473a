/** Recovery policies (AIZUCHI_POLICY). Presets, not free settings: each is a reviewed combination. */
export const POLICY_NAMES = ['standard', 'strict'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

export interface PolicyPreset {
  name: PolicyName;
  /** Time between a verified call and the reset; 0 resets on the call. */
  coolingOffMs: number;
  /** The code may only be typed on the keypad, never spoken. */
  keypadOnlyCodes: boolean;
  /** Privileged accounts never reset by the agent (both presets today; kept explicit). */
  privilegedToPerson: boolean;
  /** How far back another recovery on the account is a risk flag. */
  recentRecoveryWindowMs: number;
  /** Failed code entries on the case from which a person must decide. */
  maxFailedCodesBeforePerson: number;
}

const DAY_MS = 24 * 3_600_000;

export const POLICY_PRESETS: Readonly<Record<PolicyName, PolicyPreset>> = {
  standard: {
    name: 'standard',
    coolingOffMs: 0,
    keypadOnlyCodes: false,
    privilegedToPerson: true,
    recentRecoveryWindowMs: 30 * DAY_MS,
    maxFailedCodesBeforePerson: 2,
  },
  strict: {
    name: 'strict',
    coolingOffMs: DAY_MS,
    keypadOnlyCodes: true,
    privilegedToPerson: true,
    recentRecoveryWindowMs: 30 * DAY_MS,
    maxFailedCodesBeforePerson: 2,
  },
};

export class UnknownPolicyError extends Error {
  constructor(name: string) {
    super(`unknown policy "${name}" (expected ${POLICY_NAMES.join(' or ')})`);
    this.name = 'UnknownPolicyError';
  }
}

export function policyPreset(name: string): PolicyPreset {
  if (!(POLICY_NAMES as readonly string[]).includes(name)) throw new UnknownPolicyError(name);
  return POLICY_PRESETS[name as PolicyName];
}
