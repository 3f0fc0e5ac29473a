import { systemTimers, type TimerPort } from '../../domain/clock';
import type { Logger } from '../../observability/logger';
import { type LineEvent, type LineState, initialLineState, nextLineState } from './ring-state';
import type { SoftphoneCallPort } from './softphone-calls';
import type { SoftphoneChannel } from './softphone-channel';

/** Starts the call session (media chain + agent) on an answered call; it closes the channel when done. */
export type SoftphoneSessionStarter = (args: { callId: string; caseId: string; channel: SoftphoneChannel }) => Promise<void> | void;

export interface SoftphoneLineDeps {
  caseId: string;
  channel: SoftphoneChannel;
  calls: SoftphoneCallPort;
  startSession: SoftphoneSessionStarter;
  /** How long the page rings before the call counts as not answered. */
  ringTimeoutMs: number;
  /** How often an idle page asks the database whether a call was placed. */
  pollIntervalMs: number;
  timers?: TimerPort;
  logger?: Logger;
}

export interface SoftphoneLine {
  readonly caseId: string;
  /** Look for a placed call now (the dialer just placed one). */
  poke(): void;
  state(): LineState['name'];
  /** Resolves once the line has closed and its effects settled. */
  closed(): Promise<void>;
}

/**
 * One open softphone page: polls for a call placed to its case, rings, and on answer claims the call
 * and hands the channel to the call session. Transitions come from ring-state.ts; this file only
 * carries out their effects.
 */
export function openSoftphoneLine(deps: SoftphoneLineDeps): SoftphoneLine {
  const timers = deps.timers ?? systemTimers();
  const log = deps.logger?.child({ component: 'softphone-line' });
  let state = initialLineState();
  let ringTimer: unknown = null;
  let pollTimer: unknown = null;
  let polling = false;
  const pending = new Set<Promise<void>>();
  let resolveClosed!: () => void;
  const closedPromise = new Promise<void>((r) => (resolveClosed = r));

  function track(work: Promise<void>): void {
    const p = work.catch((err: unknown) => log?.error({ err }, 'softphone line step failed')).finally(() => pending.delete(p));
    pending.add(p);
  }

  function dispatch(event: LineEvent): void {
    const { state: next, effects } = nextLineState(state, event);
    state = next;
    for (const effect of effects) {
      switch (effect.kind) {
        case 'notify':
          deps.channel.sendControl(effect.message);
          break;
        case 'start_ring_timer':
          ringTimer = timers.setTimer(deps.ringTimeoutMs, () => dispatch({ type: 'ring_timeout' }));
          break;
        case 'clear_ring_timer':
          if (ringTimer !== null) timers.clearTimer(ringTimer);
          ringTimer = null;
          break;
        case 'claim_call':
          track(deps.calls.claim(effect.callId).then((ok) => dispatch({ type: 'answer_result', ok })));
          break;
        case 'end_unanswered':
          track(
            deps.calls.endUnanswered(effect.callId, deps.caseId, effect.outcome).then(({ nextCallAt }) => {
              // After call_ended: the page turns "declined" / "not answered" into "we call again at …".
              if (nextCallAt && state.name !== 'closed')
                deps.channel.sendControl({ type: 'rescheduled', reason: effect.outcome, at: nextCallAt });
            }),
          );
          break;
        case 'start_session':
          track(
            Promise.resolve()
              .then(() => deps.startSession({ callId: effect.callId, caseId: deps.caseId, channel: deps.channel }))
              .catch((err: unknown) => {
                log?.error({ err }, 'softphone call session failed to start');
                deps.channel.close('session_failed');
              }),
          );
          break;
      }
    }
    if (state.name === 'closed') {
      if (pollTimer !== null) timers.clearTimer(pollTimer);
      pollTimer = null;
      void Promise.allSettled([...pending]).then(() => resolveClosed());
    }
  }

  async function poll(): Promise<void> {
    if (polling || (state.name !== 'idle' && state.name !== 'ringing')) return;
    polling = true;
    try {
      const offered = await deps.calls.findOffered(deps.caseId);
      if (state.name === 'idle' && offered) dispatch({ type: 'call_offered', callId: offered.callId });
      else if (state.name === 'ringing' && offered?.callId !== state.callId) dispatch({ type: 'call_withdrawn', callId: state.callId });
    } finally {
      polling = false;
    }
  }

  function schedulePoll(): void {
    if (state.name === 'closed') return;
    pollTimer = timers.setTimer(deps.pollIntervalMs, () => {
      track(poll().finally(schedulePoll));
    });
  }

  deps.channel.onControl((message) => dispatch({ type: message.type }));
  deps.channel.onClose(() => dispatch({ type: 'disconnect' }));
  track(poll());
  schedulePoll();

  return {
    caseId: deps.caseId,
    poke: () => track(poll()),
    state: () => state.name,
    closed: () => closedPromise,
  };
}
