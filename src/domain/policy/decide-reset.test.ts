import { describe, expect, it } from 'vitest';
import { type ResetFacts, decideReset } from './decide-reset';
import { POLICY_PRESETS, UnknownPolicyError, policyPreset } from './presets';

const clean: ResetFacts = {
  passwordVerifiedAtRequest: true,
  phoneOnRecord: true,
  operatorApprovedNumber: false,
  codeVerifiedOnCall: true,
  otherRecentRecovery: false,
  failedCodeAttempts: 0,
  contactChangeRequested: false,
  privilegedAccount: false,
};

const standard = POLICY_PRESETS.standard;
const strict = POLICY_PRESETS.strict;

describe('decideReset', () => {
  it('standard: all evidence and no risk flag resets on the call', () => {
    expect(decideReset(clean, standard)).toEqual({ action: 'reset' });
  });

  it('strict: the same evidence schedules the reset after a 24 h cooling-off', () => {
    expect(decideReset(clean, strict)).toEqual({ action: 'cooling_off', delayMs: 24 * 3_600_000 });
  });

  it('a number not on record counts once an operator approved calling it, and only then', () => {
    expect(decideReset({ ...clean, phoneOnRecord: false, operatorApprovedNumber: true }, standard)).toEqual({ action: 'reset' });
    expect(decideReset({ ...clean, phoneOnRecord: false, operatorApprovedNumber: true, passwordVerifiedAtRequest: false }, standard)).toEqual({
      action: 'needs_person',
      reasons: ['password_not_verified'],
    });
  });

  it('one failed code is tolerated, two are not', () => {
    expect(decideReset({ ...clean, failedCodeAttempts: 1 }, standard)).toEqual({ action: 'reset' });
    expect(decideReset({ ...clean, failedCodeAttempts: 2 }, standard)).toEqual({ action: 'needs_person', reasons: ['failed_codes'] });
  });

  const table: Array<[string, Partial<ResetFacts>, string]> = [
    ['password not verified at request', { passwordVerifiedAtRequest: false }, 'password_not_verified'],
    ['call not to the number on record', { phoneOnRecord: false }, 'phone_not_on_record'],
    ['code not verified on this call', { codeVerifiedOnCall: false }, 'code_not_verified'],
    ['another recovery in the last 30 days', { otherRecentRecovery: true }, 'recent_recovery'],
    ['2+ failed codes', { failedCodeAttempts: 3 }, 'failed_codes'],
    ['contact change requested', { contactChangeRequested: true }, 'contact_change_request'],
    ['privileged account', { privilegedAccount: true }, 'privileged_account'],
  ];
  for (const preset of [standard, strict]) {
    it.each(table)(`${preset.name}: %s → a person`, (_label, change, reason) => {
      expect(decideReset({ ...clean, ...change }, preset)).toEqual({ action: 'needs_person', reasons: [reason] });
    });
  }

  it('lists every failing reason, in a stable order', () => {
    const all: ResetFacts = {
      passwordVerifiedAtRequest: false,
      phoneOnRecord: false,
      operatorApprovedNumber: false,
      codeVerifiedOnCall: false,
      otherRecentRecovery: true,
      failedCodeAttempts: 2,
      contactChangeRequested: true,
      privilegedAccount: true,
    };
    const d = decideReset(all, standard);
    expect(d.action).toBe('needs_person');
    if (d.action === 'needs_person') expect(d.reasons).toHaveLength(7);
  });
});

describe('policy presets', () => {
  it('strict is keypad-only with a cooling-off; standard is neither', () => {
    expect(policyPreset('strict')).toMatchObject({ keypadOnlyCodes: true, coolingOffMs: 86_400_000, privilegedToPerson: true });
    expect(policyPreset('standard')).toMatchObject({ keypadOnlyCodes: false, coolingOffMs: 0, privilegedToPerson: true });
  });

  it('an unknown name is a typed error', () => {
    expect(() => policyPreset('lenient')).toThrow(UnknownPolicyError);
  });
});
