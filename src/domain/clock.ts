/** Time as a dependency, so tests decide what "now" is. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function isoUtc(d: Date): string {
  return d.toISOString();
}

/** Whatever setTimer returned; only good for handing back to clearTimer. */
export type TimerHandle = unknown;

/**
 * The one timer port (agent turn timeouts, softphone ring timeouts, softphone pokes): injected so
 * every timeout is testable with a fake clock. `now()` is epoch milliseconds.
 */
export interface TimerPort {
  now(): number;
  setTimer(ms: number, callback: () => void): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/**
 * Real timers. With `keepsProcessAlive: false` a pending timer does not hold the process open
 * (for best-effort nudges that must not delay shutdown); the default keeps Node's behaviour.
 */
export function systemTimers(options: { keepsProcessAlive?: boolean } = {}): TimerPort {
  const keep = options.keepsProcessAlive ?? true;
  return {
    now: () => Date.now(),
    setTimer: (ms, callback) => {
      const handle = setTimeout(callback, ms);
      if (!keep) handle.unref();
      return handle;
    },
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
