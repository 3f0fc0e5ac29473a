import { AizuchiError } from '../errors';

/**
 * The evidence model (SECURITY.md "Evidence"): three proofs, each recorded with the source it came
 * from. A proof counts only where possession was shown, never where it was claimed, so every
 * source is fixed to the one proof it can give and anything else is refused here.
 */
export const PROOF_KINDS = ['password', 'phone_possession', 'mailbox_possession'] as const;
export type ProofKind = (typeof PROOF_KINDS)[number];

/**
 * Where a proof comes from. `request_password`: a correct password at request time (or a signed-in
 * session). `signed_handoff`: the company's own sign-in page checked the password and sent a signed,
 * one-time token naming the account (identity/handoff). `outbound_call_to_record`: aizuchi's own dialer rang the E.164 number on record (or one
 * an operator approved) through a carrier or SIP and the callee answered. `inbound_call_from_record`: the customer called in from the number on
 * record and keyed or said the case's reference. `emailed_code`: the code
 * mailed to the address of record, read back correctly. `operator_checked`: a person's attestation in a
 * manual recovery (manual-checklist.ts) that they saw possession themselves; it is in no list of
 * PROOF_SOURCES, so the agent's decision can never count it, and only decideManualRecovery reads it.
 * The others are reserved for later channels.
 */
export type ProofSource =
  | 'request_password'
  | 'signed_handoff'
  | 'outbound_call_to_record'
  | 'inbound_call_from_record'
  | 'sms_otp'
  | 'emailed_code'
  | 'operator_checked';

export interface Proof {
  kind: ProofKind;
  source: ProofSource;
}

/** Which source may give which proof. A softphone link or a typed number is in no list on purpose. */
export const PROOF_SOURCES: Readonly<Record<ProofKind, readonly ProofSource[]>> = {
  password: ['request_password', 'signed_handoff'],
  phone_possession: ['outbound_call_to_record', 'inbound_call_from_record', 'sms_otp'],
  mailbox_possession: ['emailed_code'],
};

export class InvalidProofError extends AizuchiError {
  constructor(kind: ProofKind, source: ProofSource) {
    super(`${source} cannot prove ${kind}`, { code: 'invalid_proof' });
  }
}

/** A proof of `kind` from `source`; throws InvalidProofError when that source cannot give it. */
export function proof(kind: ProofKind, source: ProofSource): Proof {
  if (!PROOF_SOURCES[kind].includes(source)) throw new InvalidProofError(kind, source);
  return { kind, source };
}

/** What the store and this call verified, before it is turned into proofs. */
export interface CallEvidence {
  /** The case's password was verified at request time (case assurance `password_verified`). */
  passwordVerifiedAtRequest: boolean;
  /** What showed that password: aizuchi's own sign-in or password field (default), or a signed hand-off. */
  passwordSource?: 'request_password' | 'signed_handoff';
  /**
   * The dialer that placed this call rings the number itself through a carrier or SIP
   * (`Dialer.provesPhonePossession`, recorded on the call when it was placed).
   */
  placedByPossessionDialer: boolean;
  /**
   * The call came IN from the number on record and the caller gave the case's reference (issue 8
   * §5; the call-in service records `proves_phone_possession` only then): the proof's source is
   * `inbound_call_from_record` instead of `outbound_call_to_record`. Caller ID can be spoofed;
   * SECURITY notes in README "Customers calling in".
   */
  inboundCall?: boolean;
  /** The number the call went to is the E.164 number on record now. */
  callToNumberOnRecord: boolean;
  /** An operator reviewed the case and approved calling its number. */
  operatorApprovedNumber: boolean;
  /** The emailed code was read back correctly on this call. */
  codeVerifiedOnCall: boolean;
}

/**
 * The proofs a call's evidence gives. Phone possession needs BOTH a dialer that rang the number
 * itself AND that number being on record (or operator-approved): a softphone or text call reached
 * through a mailed link shows only the mailbox, which the emailed code already proves.
 */
export function proofsFromEvidence(e: CallEvidence): Proof[] {
  const proofs: Proof[] = [];
  if (e.passwordVerifiedAtRequest) proofs.push(proof('password', e.passwordSource ?? 'request_password'));
  if (e.placedByPossessionDialer && (e.callToNumberOnRecord || e.operatorApprovedNumber))
    proofs.push(proof('phone_possession', e.inboundCall ? 'inbound_call_from_record' : 'outbound_call_to_record'));
  if (e.codeVerifiedOnCall) proofs.push(proof('mailbox_possession', 'emailed_code'));
  return proofs;
}

/** Proof kinds in `required` that `proofs` lacks, in `required`'s order. */
export function missingProofs(required: readonly ProofKind[], proofs: readonly Proof[]): ProofKind[] {
  return required.filter((kind) => !proofs.some((p) => p.kind === kind && PROOF_SOURCES[kind].includes(p.source)));
}

/**
 * Required proofs no channel of this deployment can give, so every case would go to a person.
 * Today only phone possession has a channel condition: a dialer that rings the number on record.
 */
export function unreachableProofs(required: readonly ProofKind[], can: { phonePossession: boolean }): ProofKind[] {
  return required.filter((kind) => kind === 'phone_possession' && !can.phonePossession);
}
