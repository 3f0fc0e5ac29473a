import type { TimerHandle, TimerPort } from './port';
import type { Lang } from '../domain/lang';
import type { AgentTuning, Endpointing } from './types';

/** A timer the clock armed has fired; the engine feeds it back through its event queue. */
export interface ClockTick {
  type: 'timer';
  kind: 'no_input' | 'check_back' | 'settle';
  generation: number;
}

export interface TurnClockDeps {
  timers: TimerPort;
  tuning: AgentTuning;
  lang: Lang;
  /** Queues a fired timer as an event (in order with the caller's events). */
  fire(tick: ClockTick): void;
  /** The step's endpointing while the call is live; null once it ended or before the first step. */
  endpointing(): Endpointing | null;
  /** True while the caller asked us to wait ("ちょっと待って"): silence then means a check-back. */
  waiting(): boolean;
  /** The speaking rate in force (after "slower, please"); 1 when none. */
  rate(): number;
  /** The channel is known to report playout before its first report (AgentDeps.playoutReported). */
  playoutReported: boolean;
}

/**
 * The engine's clocks between turns: the no-input / check-back timer (its length is the step's
 * silence allowance plus the time the words just said take to speak, tuning.charsPerSecond) and the
 * settle window after a whole code or address (issue 9, tuning.settleMs). Each armed timer has a
 * generation, so a tick from a timer since cleared or re-armed is recognised as stale. Once a
 * channel reports playout (`prompt_played`), an expired estimate waits for the words to finish.
 */
export function createTurnClock(deps: TurnClockDeps) {
  const { timers, tuning } = deps;
  let timer: { handle: TimerHandle; generation: number } | null = null;
  let settleTimer: { handle: TimerHandle; generation: number } | null = null;
  let generations = 0;
  let pendingSpeechChars = 0;
  // Playout reports (audio channels): once one has come, silence is not counted while words still play.
  let playoutReported = deps.playoutReported;
  let promptPlaying = false;
  let silenceDeferred = false;

  function clear(): void {
    if (timer) timers.clearTimer(timer.handle);
    timer = null;
    silenceDeferred = false;
  }

  function clearSettle(): void {
    if (settleTimer) timers.clearTimer(settleTimer.handle);
    settleTimer = null;
  }

  function armSettle(): void {
    clearSettle();
    if (deps.endpointing() === null) return;
    const generation = ++generations;
    const handle = timers.setTimer(tuning.settleMs, () => deps.fire({ type: 'timer', kind: 'settle', generation }));
    settleTimer = { handle, generation };
  }

  function arm(): void {
    clear();
    const endpointing = deps.endpointing();
    if (endpointing === null) return;
    const kind = deps.waiting() ? 'check_back' : 'no_input';
    let baseMs = tuning.noInputMs;
    if (kind === 'check_back') baseMs = tuning.waitCheckBackMs;
    else if (endpointing === 'spelling') baseMs = tuning.spellingNoInputMs;
    else if (endpointing === 'digits') baseMs = tuning.codeNoInputMs;
    // noInputMs <= 0: the host detects silence itself and sends no_input events.
    if (kind === 'no_input' && tuning.noInputMs <= 0) return;
    const speechMs = Math.round((pendingSpeechChars / tuning.charsPerSecond[deps.lang] / deps.rate()) * 1000);
    pendingSpeechChars = 0;
    const generation = ++generations;
    const handle = timers.setTimer(baseMs + speechMs, () => deps.fire({ type: 'timer', kind, generation }));
    timer = { handle, generation };
  }

  /**
   * What a tick means now: `settled` (the settle window ran out), `silence` (no input or check-back
   * due), `deferred` (the estimate ran out but the prompt still plays: wait for the channel's
   * report) or `stale` (a timer since cleared or re-armed).
   */
  function tick(event: ClockTick): 'settled' | 'silence' | 'deferred' | 'stale' {
    if (event.kind === 'settle') {
      if (settleTimer?.generation !== event.generation) return 'stale';
      settleTimer = null;
      return 'settled';
    }
    if (timer?.generation !== event.generation) return 'stale';
    timer = null;
    if (event.kind === 'no_input' && playoutReported && promptPlaying) {
      silenceDeferred = true;
      return 'deferred';
    }
    return 'silence';
  }

  /** The channel played the whole prompt: the no-input clock starts now, when the caller has heard it. */
  function promptPlayed(): void {
    playoutReported = true;
    promptPlaying = false;
    if (!deps.waiting() && (timer || silenceDeferred)) {
      silenceDeferred = false;
      pendingSpeechChars = 0;
      arm();
    }
  }

  return {
    /** The agent said `chars` characters: the next silence allowance grows by their speaking time. */
    spoke(chars: number): void {
      pendingSpeechChars += chars;
      promptPlaying = true;
    },
    arm,
    clear,
    armSettle,
    clearSettle,
    /** A no-input / check-back timer is running. */
    armed: () => timer !== null,
    /** A settle window is running. */
    settling: () => settleTimer !== null,
    tick,
    promptPlayed,
  };
}
