import { describe, expect, it } from 'vitest';
import { policyBannerLine } from './policy-banner';

// Fresh-user walk: after an admin saved strict in /console/settings, a restart's banner still read
// "recovery policy: mailbox (…; AIZUCHI_POLICY)", the environment's preset, not the one in force.
describe('serve banner policy line', () => {
  it('names the environment as the source until settings are saved, then the saved preset and where it is', () => {
    expect(policyBannerLine('standard', 0)).toBe(
      '  recovery policy:   standard (needs password + phone_possession + mailbox_possession; AIZUCHI_POLICY)',
    );
    const saved = policyBannerLine('strict', 3);
    expect(saved).toMatch(
      /^ {2}recovery policy: {3}strict \(needs password \+ phone_possession \+ mailbox_possession.*; saved in \/console\/settings; overrides AIZUCHI_POLICY\)$/,
    );
  });
});
