/**
 * The ring/answer state machine of one softphone page, as a pure reducer: the line (softphone-line.ts)
 * feeds it events and carries out the effects, so every transition is table-testable without sockets,
 * timers or a database.
 */
export type LineState =
  | { name: 'idle' }
  | { name: 'ringing'; callId: string }
  | { name: 'answering'; callId: string }
  | { name: 'in_call'; callId: string }
  | { name: 'closed' };

export type LineEvent =
  /** The dialer placed a call for this page's case (seen by polling or a push). */
  | { type: 'call_offered'; callId: string }
  /** The offered call is no longer pending: answered in another tab, cancelled, expired. */
  | { type: 'call_withdrawn'; callId: string }
  | { type: 'answer' }
  | { type: 'decline' }
  | { type: 'ring_timeout' }
  /** The database accepted (true) or refused (false: someone else took it) the answer. */
  | { type: 'answer_result'; ok: boolean }
  /** The call session ended the call (agent hung up, caller hung up, error). */
  | { type: 'call_ended'; reason: string }
  | { type: 'disconnect' };

export type UnansweredOutcome = 'declined' | 'no_answer' | 'abandoned';

export type LineEffect =
  | { kind: 'notify'; message: Record<string, unknown> }
  | { kind: 'start_ring_timer' }
  | { kind: 'clear_ring_timer' }
  | { kind: 'claim_call'; callId: string }
  | { kind: 'start_session'; callId: string }
  | { kind: 'end_unanswered'; callId: string; outcome: UnansweredOutcome };

export interface Transition {
  state: LineState;
  effects: LineEffect[];
}

const stay = (state: LineState): Transition => ({ state, effects: [] });
const idle: LineState = { name: 'idle' };

export function initialLineState(): LineState {
  return idle;
}

export function nextLineState(state: LineState, event: LineEvent): Transition {
  if (state.name === 'closed') return stay(state);
  switch (state.name) {
    case 'idle':
      if (event.type === 'call_offered') {
        return {
          state: { name: 'ringing', callId: event.callId },
          effects: [{ kind: 'notify', message: { type: 'ringing', callId: event.callId } }, { kind: 'start_ring_timer' }],
        };
      }
      if (event.type === 'disconnect') return { state: { name: 'closed' }, effects: [] };
      return stay(state);

    case 'ringing': {
      const callId = state.callId;
      switch (event.type) {
        case 'answer':
          return { state: { name: 'answering', callId }, effects: [{ kind: 'clear_ring_timer' }, { kind: 'claim_call', callId }] };
        case 'decline':
          return unanswered(callId, 'declined', { name: 'idle' });
        case 'ring_timeout':
          return unanswered(callId, 'no_answer', { name: 'idle' });
        case 'disconnect':
          return unanswered(callId, 'abandoned', { name: 'closed' });
        case 'call_withdrawn':
          if (event.callId !== callId) return stay(state);
          return {
            state: idle,
            effects: [{ kind: 'clear_ring_timer' }, { kind: 'notify', message: { type: 'call_ended', reason: 'withdrawn' } }],
          };
        default:
          return stay(state);
      }
    }

    case 'answering':
      if (event.type === 'answer_result') {
        if (event.ok) {
          return {
            state: { name: 'in_call', callId: state.callId },
            effects: [
              { kind: 'notify', message: { type: 'connected', callId: state.callId } },
              { kind: 'start_session', callId: state.callId },
            ],
          };
        }
        return { state: idle, effects: [{ kind: 'notify', message: { type: 'call_ended', reason: 'answered_elsewhere' } }] };
      }
      // Leaving while the claim is in flight: the session, if it starts, sees the closed channel.
      if (event.type === 'disconnect') return { state: { name: 'closed' }, effects: [] };
      return stay(state);

    case 'in_call':
      if (event.type === 'call_ended') {
        return { state: idle, effects: [{ kind: 'notify', message: { type: 'call_ended', reason: event.reason } }] };
      }
      // The session hears the disconnect from the channel itself.
      if (event.type === 'disconnect') return { state: { name: 'closed' }, effects: [] };
      return stay(state);
  }
}

function unanswered(callId: string, outcome: UnansweredOutcome, after: LineState): Transition {
  return {
    state: after,
    effects: [
      { kind: 'clear_ring_timer' },
      { kind: 'end_unanswered', callId, outcome },
      ...(after.name === 'closed' ? [] : [{ kind: 'notify' as const, message: { type: 'call_ended', reason: outcome } }]),
    ],
  };
}
