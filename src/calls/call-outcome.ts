import type { Outcome, OutcomeDetail } from '../agent';
import { type CaseState, canTransition, isCaseState } from '../domain/cases/case-state';

export interface OutcomeFacts {
  outcome: Outcome;
  detail?: OutcomeDetail | null;
  caseState: string;
  /** Calls made on the case so far, this one included. */
  callAttempts: number;
  /** AIZUCHI_CALLBACK_RETRIES. */
  maxRetries: number;
  /** The caller asked to be called back at a slot the calendar gave. */
  callbackAt: Date | null;
}

export type CaseChange = { to: CaseState; kind: string; outcome: string | null; scheduleAt?: 'callback' | 'retry' } | null;

/**
 * What a call's outcome does to its case. Pure so the table is tested on its own; the session
 * applies it with CaseService.transition, which enforces the state machine a second time.
 * null: the case already moved (reset done in resetMfa, or it was closed meanwhile) or stays put
 * (strict cooling-off waits in `verifying` for its job).
 */
export function caseChangeForOutcome(f: OutcomeFacts): CaseChange {
  if (!isCaseState(f.caseState)) return null;
  const change = pick(f);
  if (!change || !canTransition(f.caseState, change.to)) return null;
  return change;
}

function pick(f: OutcomeFacts): CaseChange {
  switch (f.outcome) {
    case 'mfa_reset':
      return null;
    case 'verification_failed':
      return { to: 'failed', kind: 'verification_failed', outcome: 'verification_failed' };
    case 'escalated':
      return { to: 'escalated', kind: 'call_escalated', outcome: null };
    case 'wrong_person':
      // The number on record answered as someone else: a person looks before anyone calls again.
      return { to: 'escalated', kind: 'call_wrong_person', outcome: null };
    case 'cancelled':
      return { to: 'cancelled', kind: 'cancelled_on_call', outcome: 'cancelled' };
    case 'callback_requested':
      return { to: 'scheduled', kind: 'callback_requested', outcome: null, scheduleAt: 'callback' };
    case 'abandoned':
      if (f.callAttempts <= f.maxRetries) return { to: 'scheduled', kind: 'call_abandoned', outcome: null, scheduleAt: 'retry' };
      return { to: 'failed', kind: 'call_abandoned', outcome: 'abandoned' };
  }
}
