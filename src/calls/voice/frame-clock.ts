import { FRAME_MS } from '../../media/frame';

/**
 * The 20 ms playout clock. One clock drives every call in the process (one timer, not one per call);
 * each subscriber is called once per frame period with how late that tick is.
 */
export interface FrameClock {
  /** Returns the unsubscribe function. */
  subscribe(onTick: (lateMs: number) => void): () => void;
}

export interface IntervalFrameClockOptions {
  readonly nowMs?: () => number;
  /** Ticks further behind than this are skipped instead of sent in a burst (a stalled process). */
  readonly maxCatchUpFrames?: number;
}

/**
 * Real-time clock: schedules each tick against the ideal time (start + n * 20 ms), so timer jitter
 * does not accumulate into drift. After a stall it catches up a few frames, then resynchronises.
 */
export function createIntervalFrameClock(options: IntervalFrameClockOptions = {}): FrameClock & { stop(): void } {
  const now = options.nowMs ?? (() => performance.now());
  const maxCatchUp = options.maxCatchUpFrames ?? 5;
  const subscribers = new Set<(lateMs: number) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let nextAt = 0;

  const run = (): void => {
    timer = undefined;
    let behind = 0;
    while (now() >= nextAt && subscribers.size > 0) {
      // Lateness per subscriber: a busy tick makes the last calls in the list later than the first.
      for (const fn of [...subscribers]) fn(now() - nextAt);
      nextAt += FRAME_MS;
      if (++behind >= maxCatchUp) {
        nextAt = Math.max(nextAt, now());
        break;
      }
    }
    schedule();
  };
  const schedule = (): void => {
    if (timer || subscribers.size === 0) return;
    timer = setTimeout(run, Math.max(0, nextAt - now()));
  };

  return {
    subscribe(onTick) {
      if (subscribers.size === 0) nextAt = now() + FRAME_MS;
      subscribers.add(onTick);
      schedule();
      return () => {
        subscribers.delete(onTick);
        if (subscribers.size === 0 && timer) {
          clearTimeout(timer);
          timer = undefined;
        }
      };
    },
    stop() {
      subscribers.clear();
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
