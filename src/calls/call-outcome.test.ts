import { describe, expect, it } from 'vitest';
import type { Outcome } from '../agent';
import { type OutcomeFacts, caseChangeForOutcome } from './call-outcome';

const base: Omit<OutcomeFacts, 'outcome'> = { caseState: 'verifying', callAttempts: 1, maxRetries: 3, callbackAt: null };

describe('caseChangeForOutcome', () => {
  it.each<[Outcome, string | null]>([
    ['mfa_reset', null],
    ['verification_failed', 'failed'],
    ['escalated', 'escalated'],
    ['wrong_person', 'escalated'],
    ['cancelled', 'cancelled'],
    ['callback_requested', 'scheduled'],
    ['abandoned', 'scheduled'],
  ])('%s from verifying → %s', (outcome, to) => {
    expect(caseChangeForOutcome({ ...base, outcome })?.to ?? null).toBe(to);
  });

  it('an abandoned call is retried until the retries are used up, then the case fails', () => {
    expect(caseChangeForOutcome({ ...base, outcome: 'abandoned', callAttempts: 3 })).toMatchObject({
      to: 'scheduled',
      scheduleAt: 'retry',
    });
    expect(caseChangeForOutcome({ ...base, outcome: 'abandoned', callAttempts: 4 })).toMatchObject({ to: 'failed', outcome: 'abandoned' });
  });

  it('a case closed meanwhile (reset done, cancelled by link) is left alone', () => {
    expect(caseChangeForOutcome({ ...base, outcome: 'abandoned', caseState: 'resolved' })).toBeNull();
    expect(caseChangeForOutcome({ ...base, outcome: 'verification_failed', caseState: 'cancelled' })).toBeNull();
  });

  it('also applies to a call that never connected (case still calling)', () => {
    expect(caseChangeForOutcome({ ...base, outcome: 'abandoned', caseState: 'calling' })).toMatchObject({ to: 'scheduled' });
  });
});
