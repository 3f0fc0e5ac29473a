import type { Lang } from '../domain/lang';

/** What the caller side (channel + recognizer) tells the agent. */
export type AgentEvent =
  | { type: 'start' }
  | { type: 'utterance'; text: string; isFinal: boolean; confidence?: number }
  | { type: 'dtmf'; digits: string }
  | { type: 'no_input' }
  /**
   * An audio channel finished playing the agent's words to the caller (issue 9): from then on the
   * no-input clock runs from this moment, not from when the words were sent. Text channels never send it.
   */
  | { type: 'prompt_played' }
  /**
   * An operator takes the call over from the console (issue 10): the agent hands over as if the
   * caller had asked for a person (the host's handOver says the transfer is aimed at that operator).
   */
  | { type: 'take_over' }
  | { type: 'hangup' };

export type ListenExpecting = 'confirmation' | 'email' | 'code' | 'free';
export type Endpointing = 'normal' | 'spelling' | 'digits';

/** Hints for the synthesizer. Codes and emails are never spoken, so there is no "spell this secret" mode. */
export type SayAs = 'text' | 'datetime';

export type Outcome = 'mfa_reset' | 'verification_failed' | 'escalated' | 'callback_requested' | 'wrong_person' | 'cancelled' | 'abandoned';

/** Extra precision about an outcome, for the case history (never contains caller data). */
export type OutcomeDetail =
  | 'cooling_off'
  | 'not_available'
  | 'third_party'
  | 'no_input'
  | 'unscheduled'
  | 'contact_change_request'
  | 'code_locked'
  | 'code_send_limit'
  | 'system_error'
  | 'policy_needs_person'
  | 'caller_request'
  /** An operator took the call over from the console (/console/live's Take over). */
  | 'operator_takeover'
  /** A ringing browser softphone: the customer pressed Decline, or nobody answered before the ring timed out. */
  | 'declined'
  | 'not_answered'
  /** A carrier call (issue 8): the line was busy, an answering machine picked up, or the carrier could not place or carry the call. */
  | 'busy'
  | 'machine'
  | 'carrier_failed';

export type AgentAction =
  | { type: 'say'; text: string; interruptible: boolean; rate?: number; sayAs?: SayAs }
  | { type: 'backchannel'; text: string }
  | { type: 'listen'; expecting: ListenExpecting; endpointing?: Endpointing }
  | { type: 'hangup' }
  | { type: 'escalate'; reason: EscalationReason }
  | { type: 'pause_recording' }
  | { type: 'resume_recording' }
  | { type: 'stop_recording' }
  | { type: 'end'; outcome: Outcome; detail?: OutcomeDetail }
  | { type: 'transcript'; speaker: 'agent' | 'caller'; text: string };

export type EscalationReason =
  | 'caller_request'
  | 'operator_takeover'
  | 'contact_change_request'
  | 'code_locked'
  | 'code_send_limit'
  | 'policy_needs_person'
  | 'risk_flag'
  | 'system_error';

export type Policy = 'standard' | 'strict' | 'mailbox';

/** Facts the host knows when the call connects. */
export interface CallContext {
  lang: Lang;
  companyName: string;
  agentName: string;
  /** Never spoken (issue 7, finding 6); the greet step accepts the callee saying this name as a first-person answer. */
  customerName?: string;
  /**
   * The name's kana reading and Latin spelling, when the identity provider keeps them (issue 9): the
   * Japanese agent says the kana, the English agent the Latin spelling, each only after the right person
   * confirmed; without one the agent says no name (see spokenName).
   */
  customerNameKana?: string;
  customerNameLatin?: string;
  policy: Policy;
  /** Strict policy: the code may only be typed on the keypad, never spoken. */
  keypadOnlyCodes: boolean;
  /** IANA zone for saying a callback time; defaults to Asia/Tokyo. */
  timeZone?: string;
  /**
   * True when the customer asked for the call on an earlier calendar day (in `timeZone`) than the
   * call: only then does the Japanese agent say 先日 ("the other day"); on the same day 先ほど (issue 13).
   */
  requestedEarlierDay?: boolean;
  /**
   * The customer refused recording on the request form (cases.recording_consent = 0): the agent
   * neither says the call is recorded nor asks again, and the call starts with recording stopped.
   */
  recordingRefused?: boolean;
}

export type StepName = 'greet' | 'consent' | 'email' | 'send_code' | 'code' | 'reset' | 'close';

/** Timings and limits. Defaults in engine-tuning.ts; tests and hosts may override. */
export interface AgentTuning {
  /** Silence after a prompt before the agent reprompts (on top of the estimated prompt duration). */
  noInputMs: number;
  /** Longer patience while the caller spells or reads a code from their mail. */
  spellingNoInputMs: number;
  codeNoInputMs: number;
  /** After "wait, I'm opening my mail": how long before checking back. */
  waitCheckBackMs: number;
  maxWaitCheckBacks: number;
  /** Consecutive silences before the call is given up as abandoned. */
  maxNoInputs: number;
  /** Answers that were not understood in a yes/no step before giving up. */
  maxUnclear: number;
  maxEmailAttempts: number;
  /** Spelled chunks in one email attempt before starting over. */
  maxEmailTurns: number;
  maxCodeAttempts: number;
  /** Extra code sends the caller may ask for on this call (the port enforces its own limit too). */
  maxCodeResends: number;
  codeLength: number;
  /**
   * Quiet after a complete code or address before it is checked, so a self-correction in the next turn
   * ("…ごななななに" · "違います、いち") replaces the last digit instead of spending an attempt (issue 9).
   * Keypad '#', a yes or "that's it" confirms at once.
   */
  settleMs: number;
  /** Recognizer confidence under which a yes/no answer is asked again. */
  minConfidence: number;
  /** Successive speaking rates for "slower, please". */
  slowerRates: readonly number[];
  /** Rough speaking speed used to start the silence timer after the prompt has been played. */
  charsPerSecond: Record<Lang, number>;
}
