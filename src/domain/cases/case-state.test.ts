import { describe, expect, it } from 'vitest';
import { CASE_STATES, InvalidTransitionError, assertTransition, canTransition, isTerminal } from './case-state';

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
});
