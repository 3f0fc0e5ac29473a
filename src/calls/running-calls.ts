import type { Clock } from '../domain/clock';
import type { Logger } from '../observability/logger';
import type { CallOwnership } from './call-owners';
import type { CallRecords } from './call-records';
import type { CallSession } from './call-session';

export interface RunningCallsDeps {
  records: Pick<CallRecords, 'endedAmong' | 'stale' | 'reapOwners'>;
  owners: CallOwnership;
  clock: Clock;
  /** Child logger of the call service. */
  log: Logger;
  /** Ends a call `abandoned` into the store (call-finish.ts); idempotent. */
  abandon(callId: string): Promise<void>;
}

/**
 * The calls this process is running (issue 11, owner sweep): the sessions by call id, cut when
 * another process's sweep ended one of them, and the three ways calls end without the agent —
 * the stale sweep, shutdown and graceful drain.
 */
export function createRunningCalls(deps: RunningCallsDeps) {
  const { records, owners, clock, log } = deps;
  const live = new Map<string, CallSession>();
  // Calls whose end this process is writing: their row reads `ended` before the session lets go.
  const ending = new Set<string>();
  // Another process's sweep ended one of our calls (we were stalled past the lease): stop talking on it.
  owners.onBeat(async () => {
    for (const callId of await records.endedAmong([...live.keys()])) {
      if (!live.has(callId) || ending.has(callId)) continue;
      log.warn({ callId }, 'call ended elsewhere while this process was presumed gone; line cut');
      live.get(callId)?.detach();
      live.delete(callId);
    }
  });

  /**
   * Calls nobody will finish, at start-up and every sweep slot (stale-call-sweep.ts): pending links
   * that expired unused, and active calls whose owner process is gone — its heartbeat older than the
   * call lease, or its row removed by a clean stop (call-owners.ts). Calls of live processes, this one
   * included, are left alone. Each stale call ends `abandoned` and its case is retried (call-outcome.ts).
   * Ending is idempotent, so two processes sweeping at once abandon each call once. Returns the count.
   */
  async function abandonStale(): Promise<number> {
    const ownerCutoff = owners.cutoff(clock.now());
    const stale = await records.stale({ ownerCutoff, exclude: new Set(live.keys()) });
    for (const call of stale) await deps.abandon(call.id);
    await records.reapOwners(ownerCutoff);
    if (stale.length > 0) log.info({ count: stale.length }, 'stale calls marked abandoned');
    return stale.length;
  }

  /** Server shutdown: close lines without outcomes; once this process's row is gone (owners.stop) the next sweep marks them abandoned. */
  function shutdown(): void {
    for (const session of live.values()) session.detach();
    live.clear();
  }

  /**
   * Graceful shutdown (SIGTERM): waits up to `maxMs` for the calls in progress to end on their
   * own; each one still running then has its line cut and ends `abandoned` here and now, so its
   * case is retried (by this or another process) without waiting for the next start-up.
   * Returns how many ended on their own and how many were abandoned.
   */
  async function drain(maxMs: number): Promise<{ finished: number; abandoned: number }> {
    const running = [...live.values()];
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)));
    await Promise.race([Promise.allSettled(running.map((s) => s.done)), deadline]);
    clearTimeout(timer);
    const left = [...live.keys()];
    shutdown();
    for (const callId of left) await deps.abandon(callId);
    if (running.length > 0) log.info({ finished: running.length - left.length, abandoned: left.length }, 'calls drained');
    return { finished: running.length - left.length, abandoned: left.length };
  }

  return {
    /** A session this process now runs; `forget` once it ended here (so the owner's beat does not cut it). */
    add: (callId: string, session: CallSession) => void live.set(callId, session),
    /** This process is writing the call's end (call-finish.ts): the owner's beat leaves it alone. */
    ending: (callId: string) => void ending.add(callId),
    forget: (callId: string) => {
      live.delete(callId);
      ending.delete(callId);
    },
    count: () => live.size,
    abandonStale,
    shutdown,
    drain,
  };
}
