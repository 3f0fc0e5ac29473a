import type { Clock } from '../../../src/domain/clock';

/** A clock that starts at a fixed instant and then runs with real time, so TTLs and TOTP windows behave. */
export function runningClockFrom(start: Date): Clock {
  const startedAtMs = Date.now();
  return { now: () => new Date(start.getTime() + (Date.now() - startedAtMs)) };
}

/** A clock that moves only when told to; for schedule decisions and rate-limit windows. */
export interface ManualClock extends Clock {
  set(at: Date): void;
  advance(ms: number): void;
}

export function manualClock(start: Date): ManualClock {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    set: (at) => {
      current = at.getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
