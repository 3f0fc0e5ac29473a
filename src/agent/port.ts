/**
 * What the agent needs from the outside world. The call session implements HostPort against the
 * case store, mailer, policy engine and identity provider; tests use testing/fake-port.ts.
 * The agent never decides to reset by itself: resetMfa is the policy's decision, and the engine only
 * calls it after checkCode returned 'ok' on this call with no risk flag raised.
 */
export type SendCodeResult = 'sent' | 'limit_reached';
export type CheckCodeResult = 'ok' | 'wrong' | 'expired' | 'locked';
export type ResetResult = 'reset' | 'needs_person' | 'cooling_off';

/** Kinds of events the agent records in the case history. Data never holds codes or the spelled email. */
export type AgentEventKind =
  | 'call_started'
  | 'right_party_confirmed'
  | 'right_party_denied'
  | 'recording_consent'
  | 'email_checked'
  | 'code_attempt'
  | 'code_resend_requested'
  | 'risk_flag'
  | 'suspicious_speech'
  | 'disclosure_refused'
  | 'human_question_answered'
  | 'caller_wait'
  | 'call_ended';

export type EventData = Record<string, string | number | boolean | null>;

export interface HostPort {
  /** True when the spelled address matches the account on file. Mismatch and unknown look the same. */
  checkEmail(email: string): Promise<boolean>;
  sendCode(): Promise<SendCodeResult>;
  checkCode(digits: string): Promise<CheckCodeResult>;
  resetMfa(): Promise<ResetResult>;
  reschedule(): Promise<{ at: Date } | null>;
  escalate(reason: string): Promise<void>;
  /**
   * Optional (issue 10): asked when the caller wants a person. `transfer`: the host will put the line
   * through to an operator after the agent's last words (inside business hours, someone free, a line
   * that can be handed over); otherwise `callbackAt` is when a person will call back (null: unknown).
   */
  handOver?(): Promise<{ transfer: boolean; callbackAt: Date | null }>;
  recordEvent(kind: AgentEventKind, data: EventData): Promise<void> | void;
}

// The timer port lives in domain/clock (one for the agent, the softphone and the jobs); re-exported
// because it is part of the agent's host contract.
export { type TimerHandle, type TimerPort, systemTimers } from '../domain/clock';
