import { AizuchiError } from '../errors';
/**
 * The life of a recovery case. Terminal states never change again; everything else moves only
 * along the edges below, so a bug cannot, say, resolve a cancelled case.
 */
export const CASE_STATES = ['requested', 'scheduled', 'calling', 'verifying', 'resolved', 'failed', 'escalated', 'cancelled'] as const;
export type CaseState = (typeof CASE_STATES)[number];

const EDGES: Record<CaseState, readonly CaseState[]> = {
  requested: ['scheduled', 'escalated', 'cancelled', 'failed'],
  scheduled: ['calling', 'scheduled', 'escalated', 'cancelled', 'failed'],
  calling: ['verifying', 'scheduled', 'failed', 'escalated', 'cancelled'],
  verifying: ['resolved', 'failed', 'escalated', 'scheduled', 'cancelled'],
  // An operator may approve an escalated case back into the callback flow.
  escalated: ['scheduled', 'resolved', 'failed', 'cancelled'],
  resolved: [],
  failed: [],
  cancelled: [],
};

export function isCaseState(value: unknown): value is CaseState {
  return typeof value === 'string' && (CASE_STATES as readonly string[]).includes(value);
}

export function canTransition(from: CaseState, to: CaseState): boolean {
  return EDGES[from].includes(to);
}

export function isTerminal(state: CaseState): boolean {
  return EDGES[state].length === 0;
}

export class InvalidTransitionError extends AizuchiError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`a case cannot go from ${from} to ${to}`, { code: 'invalid_transition' });
  }
}

export function assertTransition(from: string, to: CaseState): void {
  if (!isCaseState(from) || !canTransition(from, to)) throw new InvalidTransitionError(from, to);
}
