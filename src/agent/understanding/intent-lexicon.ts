/** Names shared by the ja and en intent lexicons. */

/** Things a caller may ask at any step; checked in this order (first match wins). */
export const GLOBAL_INTENTS = [
  'wrong_person',
  'third_party',
  'not_requested',
  'change_contact',
  'disclosure_request',
  'ask_if_human',
  'want_person',
  'call_later',
  'not_available',
  'cancel',
  'resend_code',
  'wait',
  'slower',
  'repeat',
  'what_about',
] as const;
export type GlobalIntent = (typeof GLOBAL_INTENTS)[number];

/** Pressure tactics: recorded, never acted on. */
export const SUSPICION_KINDS = ['ignore_instructions', 'authority_claim', 'urgency', 'reset_demand'] as const;
export type SuspicionKind = (typeof SUSPICION_KINDS)[number];

/** A phrase (matched as a whole-word/substring after normalisation) or a pattern on the prepared text. */
export type Cue = string | RegExp;

export interface IntentLexicon {
  intents: Record<GlobalIntent, readonly Cue[]>;
  suspicion: Record<SuspicionKind, readonly Cue[]>;
  /** Answers to a yes/no question. `yesDespiteNegation` is checked first ("問題ないです", "no problem"). */
  yesDespiteNegation: readonly Cue[];
  no: readonly Cue[];
  yes: readonly Cue[];
  /** Caller signals the end of a spelled address ("以上です", "that's it"). */
  done: readonly Cue[];
  /**
   * First-person answers to "am I speaking with the customer themselves?" ("はい、本人です", "speaking").
   * Narrower than `yes`: "go ahead", "どうぞ", "OK" grant permission but say nothing about who is speaking.
   */
  selfConfirm: readonly Cue[];
  /**
   * The callee talks about the customer in the third person ("he's here", 「彼は」): not a first-person
   * answer. Only the right-party check reads these; `third_party` (any step) covers speaking for someone.
   */
  otherPerson: readonly Cue[];
}
