import { type PolicyName, policyPreset } from '../../domain/policy';

/**
 * The banner's policy line: the preset in force and where it comes from. Once an admin saved
 * /console/settings (settings version > 0) the saved preset wins over AIZUCHI_POLICY (README,
 * "Configuration"), so naming the environment's would tell the reader a policy nobody runs.
 */
export function policyBannerLine(inForce: PolicyName, settingsVersion: number): string {
  const source = settingsVersion > 0 ? 'saved in /console/settings; overrides AIZUCHI_POLICY' : 'AIZUCHI_POLICY';
  return `  recovery policy:   ${inForce} (needs ${policyPreset(inForce).requiredProofs.join(' + ')}; ${source})`;
}
