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

/**
 * How long after its last automatic call went unanswered a `failed` case may be reopened by the
 * customer calling in (issue 8 §5: the calls-exhausted mail invites them to). Shorter than the 30
 * days a closed case's reference stays out of the draw (cases/case-service.ts), so a reopened case
 * can never share its reference with another open one.
 */
export const CALL_IN_REOPEN_MS = 14 * 86_400_000;

/**
 * The one way out of a terminal state: a case that `failed` because every automatic call went
 * unanswered (outcome `abandoned`) and closed less than CALL_IN_REOPEN_MS before `now` may go back
 * to `scheduled` when the customer calls in and is identified. Every other terminal case stays closed.
 */
export function canReopenForCallIn(row: { state: string; outcome: string | null; updated_at: string }, now: Date): boolean {
  return row.state === 'failed' && row.outcome === 'abandoned' && now.getTime() - Date.parse(row.updated_at) < CALL_IN_REOPEN_MS;
}
