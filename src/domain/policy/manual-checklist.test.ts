import { describe, expect, it } from 'vitest';
import { decideReset } from './decide-reset';
import { CHECKLIST_ITEMS, checklistWords, decideManualRecovery } from './manual-checklist';
import { POLICY_NAMES, POLICY_PRESETS } from './presets';
import { proof } from './proofs';

const password = proof('password', 'request_password');
const standard = POLICY_PRESETS.standard;
const all = [...CHECKLIST_ITEMS];

describe('decideManualRecovery', () => {
  it('every preset: all required items ticked cover its required proofs, with or without a password at request', () => {
    for (const name of POLICY_NAMES) {
      const p = POLICY_PRESETS[name];
      const required = p.manual.checklist.filter((c) => c.required).map((c) => c.item);
      for (const caseProofs of [[], [password]]) {
        const d = decideManualRecovery({ ...p, ticked: required, caseProofs, privileged: false });
        expect(d.action, name).not.toBe('refuse');
      }
    }
  });

  it('a missing required item refuses and names it; an item the preset does not list is ignored', () => {
    const d = decideManualRecovery({
      ...standard,
      ticked: ['code_read_back', 'identity_document', 'activity_reviewed', 'read_my_mind'],
      caseProofs: [password],
      privileged: false,
    });
    expect(d).toEqual({ action: 'refuse', missingItems: ['called_number_on_record'], missingProofs: ['phone_possession'] });
  });

  it('records the case’s own proofs and each ticked item as operator_checked, in the checklist’s order', () => {
    const d = decideManualRecovery({ ...standard, ticked: [...all].reverse(), caseProofs: [password], privileged: false });
    expect(d).toEqual({
      action: 'reset',
      evidence: [
        { kind: 'password', source: 'request_password' },
        { kind: 'phone_possession', source: 'operator_checked', item: 'called_number_on_record' },
        { kind: 'mailbox_possession', source: 'operator_checked', item: 'code_read_back' },
        { kind: 'identity_proofing', source: 'operator_checked', item: 'identity_document' },
        { kind: 'takeover_review', source: 'operator_checked', item: 'activity_reviewed' },
      ],
    });
  });

  it('privileged accounts wait for a second operator under every preset; strict makes every account wait', () => {
    for (const name of POLICY_NAMES) {
      const d = decideManualRecovery({ ...POLICY_PRESETS[name], ticked: all, caseProofs: [], privileged: true });
      expect(d.action, name).toBe('needs_second_operator');
    }
    expect(decideManualRecovery({ ...POLICY_PRESETS.strict, ticked: all, caseProofs: [], privileged: false }).action).toBe(
      'needs_second_operator',
    );
  });

  it('mailbox: the phone check is optional there, the others are not', () => {
    const mailbox = POLICY_PRESETS.mailbox;
    expect(
      decideManualRecovery({
        ...mailbox,
        ticked: ['code_read_back', 'identity_document', 'activity_reviewed'],
        caseProofs: [],
        privileged: false,
      }).action,
    ).toBe('reset');
    expect(
      decideManualRecovery({ ...mailbox, ticked: ['code_read_back', 'identity_document'], caseProofs: [], privileged: false }),
    ).toMatchObject({
      action: 'refuse',
      missingItems: ['activity_reviewed'],
    });
  });

  it('an attestation never counts for the agent: decideReset reads operator_checked as no proof', () => {
    const attested = { kind: 'phone_possession', source: 'operator_checked' } as const;
    const facts = {
      proofs: [password, attested, proof('mailbox_possession', 'emailed_code')],
      phoneOnRecord: true,
      operatorApprovedNumber: false,
      otherRecentRecovery: false,
      failedCodeAttempts: 0,
      contactChangeRequested: false,
      privilegedAccount: false,
    };
    expect(decideReset(facts, standard)).toEqual({ action: 'needs_person', reasons: ['missing_phone_possession'] });
    expect(() => proof('phone_possession', 'operator_checked')).toThrow(/cannot prove/);
  });

  it('every item has Japanese and English words', () => {
    for (const item of CHECKLIST_ITEMS) {
      expect(checklistWords(item, 'ja')).toMatch(/[ぁ-んァ-ン一-龥]/);
      expect(checklistWords(item, 'en')).toMatch(/^[A-Z]/);
    }
  });
});
