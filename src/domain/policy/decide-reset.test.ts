import { describe, expect, it } from 'vitest';
import { type ResetFacts, decideReset } from './decide-reset';
import { POLICY_PRESETS, UnknownPolicyError, policyPreset } from './presets';
import { type CallEvidence, InvalidProofError, proof, proofsFromEvidence } from './proofs';

const password = proof('password', 'request_password');
const phone = proof('phone_possession', 'outbound_call_to_record');
const mailbox = proof('mailbox_possession', 'emailed_code');

const clean: ResetFacts = {
  proofs: [password, phone, mailbox],
  phoneOnRecord: true,
  operatorApprovedNumber: false,
  otherRecentRecovery: false,
  failedCodeAttempts: 0,
  contactChangeRequested: false,
  privilegedAccount: false,
};

const standard = POLICY_PRESETS.standard;
const strict = POLICY_PRESETS.strict;
const mailboxPolicy = POLICY_PRESETS.mailbox;

describe('decideReset', () => {
  it('standard: all three proofs and no risk flag resets on the call', () => {
    expect(decideReset(clean, standard)).toEqual({ action: 'reset' });
  });

  it('strict: the same evidence schedules the reset after a 24 h cooling-off', () => {
    expect(decideReset(clean, strict)).toEqual({ action: 'cooling_off', delayMs: 24 * 3_600_000 });
  });

  it('standard and strict: password + mailed code without phone possession go to a person naming the proof', () => {
    const facts = { ...clean, proofs: [password, mailbox] };
    expect(decideReset(facts, standard)).toEqual({ action: 'needs_person', reasons: ['missing_phone_possession'] });
    expect(decideReset(facts, strict)).toEqual({ action: 'needs_person', reasons: ['missing_phone_possession'] });
  });

  it('mailbox: password + mailed code are enough; each missing one is named', () => {
    expect(decideReset({ ...clean, proofs: [password, mailbox] }, mailboxPolicy)).toEqual({ action: 'reset' });
    expect(decideReset({ ...clean, proofs: [mailbox] }, mailboxPolicy)).toEqual({ action: 'needs_person', reasons: ['missing_password'] });
    expect(decideReset({ ...clean, proofs: [password, phone] }, mailboxPolicy)).toEqual({
      action: 'needs_person',
      reasons: ['missing_mailbox_possession'],
    });
  });

  it('a number not on record counts once an operator approved calling it, and only then', () => {
    expect(decideReset({ ...clean, phoneOnRecord: false, operatorApprovedNumber: true }, standard)).toEqual({ action: 'reset' });
    expect(decideReset({ ...clean, phoneOnRecord: false, operatorApprovedNumber: true, proofs: [phone, mailbox] }, standard)).toEqual({
      action: 'needs_person',
      reasons: ['missing_password'],
    });
  });

  it('one failed code is tolerated, two are not', () => {
    expect(decideReset({ ...clean, failedCodeAttempts: 1 }, standard)).toEqual({ action: 'reset' });
    expect(decideReset({ ...clean, failedCodeAttempts: 2 }, standard)).toEqual({ action: 'needs_person', reasons: ['failed_codes'] });
  });

  const table: Array<[string, Partial<ResetFacts>, string]> = [
    ['password not verified at request', { proofs: [phone, mailbox] }, 'missing_password'],
    ['callback number not on record', { phoneOnRecord: false }, 'phone_not_on_record'],
    ['code not verified on this call', { proofs: [password, phone] }, 'missing_mailbox_possession'],
    ['another recovery in the last 30 days', { otherRecentRecovery: true }, 'recent_recovery'],
    ['2+ failed codes', { failedCodeAttempts: 3 }, 'failed_codes'],
    ['contact change requested', { contactChangeRequested: true }, 'contact_change_request'],
    ['privileged account', { privilegedAccount: true }, 'privileged_account'],
  ];
  for (const preset of [standard, strict, mailboxPolicy]) {
    it.each(table)(`${preset.name}: %s → a person`, (_label, change, reason) => {
      expect(decideReset({ ...clean, ...change }, preset)).toEqual({ action: 'needs_person', reasons: [reason] });
    });
  }

  it('lists every failing reason, in a stable order', () => {
    const all: ResetFacts = {
      proofs: [],
      phoneOnRecord: false,
      operatorApprovedNumber: false,
      otherRecentRecovery: true,
      failedCodeAttempts: 2,
      contactChangeRequested: true,
      privilegedAccount: true,
    };
    const d = decideReset(all, standard);
    expect(d).toEqual({
      action: 'needs_person',
      reasons: [
        'missing_password',
        'missing_phone_possession',
        'missing_mailbox_possession',
        'phone_not_on_record',
        'recent_recovery',
        'failed_codes',
        'contact_change_request',
        'privileged_account',
      ],
    });
  });
});

describe('proofs', () => {
  const evidence: CallEvidence = {
    passwordVerifiedAtRequest: true,
    placedByPossessionDialer: true,
    callToNumberOnRecord: true,
    operatorApprovedNumber: false,
    codeVerifiedOnCall: true,
  };

  it('each proof is recorded with its source', () => {
    expect(proofsFromEvidence(evidence)).toEqual([
      { kind: 'password', source: 'request_password' },
      { kind: 'phone_possession', source: 'outbound_call_to_record' },
      { kind: 'mailbox_possession', source: 'emailed_code' },
    ]);
  });

  it("a password shown through the company's signed hand-off is recorded with that source (SECURITY.md 'Evidence')", () => {
    expect(proofsFromEvidence({ ...evidence, passwordSource: 'signed_handoff' })[0]).toEqual({
      kind: 'password',
      source: 'signed_handoff',
    });
  });

  it('a call on a dialer that does not ring the number itself (softphone, text) is no phone possession', () => {
    expect(proofsFromEvidence({ ...evidence, placedByPossessionDialer: false }).map((p) => p.kind)).toEqual([
      'password',
      'mailbox_possession',
    ]);
  });

  it('a call that came in from the number on record with the case reference is phone possession from that source (issue 8 §5)', () => {
    expect(proofsFromEvidence({ ...evidence, inboundCall: true })[1]).toEqual({
      kind: 'phone_possession',
      source: 'inbound_call_from_record',
    });
    // The call-in service marks the call a possession one only for the number on record; without that mark, nothing.
    expect(proofsFromEvidence({ ...evidence, inboundCall: true, placedByPossessionDialer: false }).map((p) => p.kind)).not.toContain(
      'phone_possession',
    );
  });

  it('a possession dialer proves the phone only for the number on record or an operator-approved one', () => {
    expect(proofsFromEvidence({ ...evidence, callToNumberOnRecord: false }).map((p) => p.kind)).not.toContain('phone_possession');
    expect(proofsFromEvidence({ ...evidence, callToNumberOnRecord: false, operatorApprovedNumber: true }).map((p) => p.kind)).toContain(
      'phone_possession',
    );
  });

  it('a source cannot prove what it does not show: the mailed code is never phone possession, speech never a password', () => {
    expect(() => proof('phone_possession', 'emailed_code')).toThrow(InvalidProofError);
    expect(() => proof('password', 'outbound_call_to_record')).toThrow(InvalidProofError);
  });

  it('a proof claimed with a source outside its list does not satisfy the policy', () => {
    const forged = { kind: 'phone_possession', source: 'emailed_code' } as const;
    expect(decideReset({ ...clean, proofs: [password, forged, mailbox] }, standard)).toEqual({
      action: 'needs_person',
      reasons: ['missing_phone_possession'],
    });
  });
});

describe('policy presets', () => {
  it('strict is keypad-only with a cooling-off; standard is neither', () => {
    expect(policyPreset('strict')).toMatchObject({ keypadOnlyCodes: true, coolingOffMs: 86_400_000, privilegedToPerson: true });
    expect(policyPreset('standard')).toMatchObject({ keypadOnlyCodes: false, coolingOffMs: 0, privilegedToPerson: true });
  });

  it('declares the proofs each needs: standard and strict all three, mailbox password + mailbox', () => {
    expect(policyPreset('standard').requiredProofs).toEqual(['password', 'phone_possession', 'mailbox_possession']);
    expect(policyPreset('strict').requiredProofs).toEqual(['password', 'phone_possession', 'mailbox_possession']);
    expect(policyPreset('mailbox')).toMatchObject({
      requiredProofs: ['password', 'mailbox_possession'],
      coolingOffMs: 0,
      privilegedToPerson: true,
    });
  });

  it('an unknown name is a typed error listing every preset', () => {
    expect(() => policyPreset('lenient')).toThrow(UnknownPolicyError);
    expect(() => policyPreset('lenient')).toThrow(/standard, strict, mailbox/);
  });
});
