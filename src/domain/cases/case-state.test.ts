import { describe, expect, it } from 'vitest';
import {
  CALL_IN_REOPEN_MS,
  CASE_STATES,
  InvalidTransitionError,
  assertTransition,
  canReopenForCallIn,
  canTransition,
  isTerminal,
} from './case-state';

describe('case state machine', () => {
  it('follows the callback path from request to resolution', () => {
    const path = ['requested', 'scheduled', 'calling', 'verifying', 'resolved'] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('never leaves a terminal state', () => {
    for (const terminal of ['resolved', 'failed', 'cancelled'] as const) {
      expect(isTerminal(terminal)).toBe(true);
      for (const to of CASE_STATES) expect(canTransition(terminal, to)).toBe(false);
    }
  });

  it('lets a call be retried or rescheduled back to scheduled', () => {
    expect(canTransition('calling', 'scheduled')).toBe(true);
    expect(canTransition('verifying', 'scheduled')).toBe(true);
  });

  it('refuses to skip verification', () => {
    expect(canTransition('scheduled', 'resolved')).toBe(false);
    expect(canTransition('calling', 'resolved')).toBe(false);
    expect(() => assertTransition('requested', 'resolved')).toThrow(InvalidTransitionError);
    expect(() => assertTransition('bogus', 'scheduled')).toThrow(/cannot go from bogus/);
  });

  it('reopens only a case closed by unanswered calls, and only for a while, when the customer calls in (issue 8 §5)', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    const closedAgo = (ms: number) => new Date(now.getTime() - ms).toISOString();
    expect(canReopenForCallIn({ state: 'failed', outcome: 'abandoned', updated_at: closedAgo(86_400_000) }, now)).toBe(true);
    expect(canReopenForCallIn({ state: 'failed', outcome: 'abandoned', updated_at: closedAgo(CALL_IN_REOPEN_MS) }, now)).toBe(false);
    expect(canReopenForCallIn({ state: 'failed', outcome: 'verification_failed', updated_at: closedAgo(1000) }, now)).toBe(false);
    expect(canReopenForCallIn({ state: 'cancelled', outcome: 'abandoned', updated_at: closedAgo(1000) }, now)).toBe(false);
    expect(canReopenForCallIn({ state: 'resolved', outcome: 'abandoned', updated_at: closedAgo(1000) }, now)).toBe(false);
  });
});
