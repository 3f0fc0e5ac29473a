import type { TimerHandle, TimerPort } from '../../domain/clock';

export interface FakeClock extends TimerPort {
  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void;
  pendingTimers(): number;
}

/** Deterministic timer port for tests and benchmarks. */
export function createFakeClock(startMs = 0): FakeClock {
  let nowMs = startMs;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => nowMs,
    setTimer(ms, callback): TimerHandle {
      const id = nextId++;
      timers.set(id, { at: nowMs + Math.max(0, ms), callback });
      return id;
    },
    clearTimer(handle) {
      timers.delete(handle as number);
    },
    advance(ms) {
      const target = nowMs + ms;
      for (;;) {
        let dueId: number | null = null;
        let dueAt = Infinity;
        for (const [id, t] of timers) {
          if (t.at <= target && t.at < dueAt) {
            dueAt = t.at;
            dueId = id;
          }
        }
        if (dueId === null) break;
        const due = timers.get(dueId);
        timers.delete(dueId);
        nowMs = dueAt;
        due?.callback();
      }
      nowMs = target;
    },
    pendingTimers: () => timers.size,
  };
}
