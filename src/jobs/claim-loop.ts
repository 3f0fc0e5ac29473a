import { AizuchiError } from '../domain/errors';
import type { Logger } from '../observability/logger';

/** A running job is told to stop because the worker is shutting down (stop with abortAfterMs). */
export class ShutdownError extends AizuchiError {
  constructor() {
    super('worker is shutting down', { code: 'worker_shutdown' });
  }
}

/** "Name: message" of a thrown value, cut to `maxChars`, for a job row's last error. */
export function describeError(err: unknown, maxChars = 1_000): string {
  return (err instanceof Error ? `${err.name}: ${err.message}` : `thrown value: ${String(err)}`).slice(0, maxChars);
}

export interface ClaimLoopOptions<Job> {
  logger: Logger;
  pollIntervalMs: number;
  /** Jobs run at once at most. */
  concurrency: number;
  /** The next due job, taken for this worker (its lease or run), or null when none is due. */
  claim(): Promise<Job | null>;
  idOf(job: Job): string;
  /** Runs a claimed job to its end (done, failed or lease lost); never rejects. */
  run(job: Job, abort: AbortController): Promise<void>;
}

export interface ClaimLoop {
  start(): void;
  /** Stops claiming, then waits for running jobs (or signals them ShutdownError after `abortAfterMs`). */
  stop(options?: { abortAfterMs?: number }): Promise<void>;
  /** Claims now rather than at the next poll. */
  wake(): void;
}

/**
 * The polling half every job worker shares (db-worker.ts for the embedded queue, pg-boss-worker.ts):
 * claim while there is room, launch each job, poll every `pollIntervalMs`, claim again as soon as a
 * job ends, and one claiming pass at a time — a wake during a pass makes it go round once more.
 * How a job is claimed and finished is the engine's. A failed claim is logged; the next poll retries.
 */
export function createClaimLoop<Job>(o: ClaimLoopOptions<Job>): ClaimLoop {
  const running = new Map<string, { done: Promise<void>; abort: AbortController }>();
  let started = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let currentTick: Promise<void> | null = null;
  let tickAgain = false;

  function launch(job: Job): void {
    const id = o.idOf(job);
    const abort = new AbortController();
    const done = o.run(job, abort).finally(() => {
      running.delete(id);
      if (started) wake();
    });
    running.set(id, { done, abort });
  }

  function tick(): Promise<void> {
    if (currentTick) {
      tickAgain = true;
      return currentTick;
    }
    currentTick = claimWhileRoom().finally(() => {
      currentTick = null;
    });
    return currentTick;
  }

  async function claimWhileRoom(): Promise<void> {
    try {
      do {
        tickAgain = false;
        while (started && running.size < o.concurrency) {
          const job = await o.claim();
          if (!job) break;
          launch(job);
        }
      } while (tickAgain && started);
    } catch (err) {
      o.logger.error({ errorName: (err as Error)?.name }, 'job poll failed; retrying at the next interval');
    }
  }

  function schedulePoll(): void {
    if (!started) return;
    pollTimer = setTimeout(() => {
      void tick().finally(schedulePoll);
    }, o.pollIntervalMs);
  }

  function wake(): void {
    if (started) void tick();
  }

  return {
    start() {
      if (started) return;
      started = true;
      void tick();
      schedulePoll();
    },
    async stop(options = {}) {
      started = false;
      if (pollTimer) clearTimeout(pollTimer);
      // A claim in flight finishes and its job is launched before we collect what is running.
      if (currentTick) await currentTick;
      const all = Promise.allSettled([...running.values()].map((r) => r.done)).then(() => undefined);
      if (options.abortAfterMs === undefined) return all;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          for (const r of running.values()) r.abort.abort(new ShutdownError());
          resolve();
        }, options.abortAfterMs);
      });
      await Promise.race([all, timeout]);
      clearTimeout(timer);
    },
    wake,
  };
}
