import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Clock } from '../domain/clock';
import type { Logger } from '../observability/logger';
import type { Store } from '../store/connect';

/** A call's owner heartbeat older than this means the owner is gone (AIZUCHI_CALL_LEASE_SEC). */
export const DEFAULT_CALL_LEASE_MS = 30_000;

/**
 * This process as the owner of the calls it runs (issue 11; migration 018). Each server process
 * registers a row in `processes` with a fresh id and renews its heartbeat every third of the lease;
 * a call connected here carries that id in `calls.owner_id`. Another process's sweep abandons the
 * call only once the heartbeat is older than the lease (the process was killed or hung), so N
 * processes on one database no longer end each other's live calls at start-up.
 *
 * - `instanceId`: `hostname:pid:random` (the random part tells a restarted pid apart).
 * - `start()`: registers and starts the heartbeat; idempotent.
 * - `stop()`: stops the heartbeat and deletes the row, so calls this process left open (a stop without
 *   drain) are abandoned by the next sweep or start-up at once instead of after the lease.
 * - `liveOwnersSince(now)`: the cutoff instant; owners whose heartbeat_at is at or after it are alive.
 * A failed heartbeat is logged and tried again at the next beat; it never throws.
 */
export interface CallOwnership {
  readonly instanceId: string;
  readonly leaseMs: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Heartbeats older than the returned ISO instant belong to gone processes. */
  cutoff(now: Date): string;
  /** Called after each heartbeat (the call service cuts sessions another process has since ended). */
  onBeat(listener: () => Promise<void>): void;
}

export function newInstanceId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export function createCallOwnership(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  leaseMs?: number;
  instanceId?: string;
}): CallOwnership {
  const leaseMs = deps.leaseMs ?? DEFAULT_CALL_LEASE_MS;
  const instanceId = deps.instanceId ?? newInstanceId();
  const log = deps.logger.child({ component: 'call-owners', instanceId });
  const listeners: Array<() => Promise<void>> = [];
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> | null = null;

  async function beat(): Promise<void> {
    const now = deps.clock.now().toISOString();
    const res = await deps.store.db.updateTable('processes').set({ heartbeat_at: now }).where('id', '=', instanceId).executeTakeFirst();
    // Our row was reaped while we were stalled past the lease: come back (our abandoned calls stay ended).
    if (Number(res.numUpdatedRows) === 0) {
      await deps.store.db
        .insertInto('processes')
        .values({ id: instanceId, started_at: now, heartbeat_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ heartbeat_at: now }))
        .execute();
    }
    for (const listener of listeners) await listener();
  }

  function tick(): void {
    beating ??= beat()
      .catch((err: unknown) => log.warn({ errorName: (err as Error)?.name }, 'call owner heartbeat failed; trying again'))
      .finally(() => {
        beating = null;
      });
  }

  return {
    instanceId,
    leaseMs,
    async start() {
      if (timer) return;
      await beat();
      timer = setInterval(tick, Math.max(100, Math.floor(leaseMs / 3)));
      // The heartbeat alone must not keep a stopping process alive.
      timer.unref();
    },
    async stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      await beating;
      try {
        await deps.store.db.deleteFrom('processes').where('id', '=', instanceId).execute();
      } catch (err) {
        log.warn({ errorName: (err as Error)?.name }, 'could not remove this process from processes; its calls wait for the lease');
      }
    },
    cutoff: (now) => new Date(now.getTime() - leaseMs).toISOString(),
    onBeat(listener) {
      listeners.push(listener);
    },
  };
}
