import type { PubSub } from '../../store/pubsub';

/** The PubSub channel each process announces its available operators on: `{ process, available }`. */
export const DESK_PRESENCE_CHANNEL = 'desk.presence';

/** How often each process announces its count (also when it changes, at the next beat). */
export const DESK_PRESENCE_EVERY_MS = 2_000;

export interface DeskPresence {
  /** True when an operator's console softphone is free in this process or, by a fresh announcement, in another. */
  anyAvailable(): boolean;
  /** Listens and starts announcing; resolves once listening. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * "Is any operator available?" across processes (issue 11). Each process's OperatorDesk holds only
 * the console softphones connected to it; every `everyMs` each process announces its free count on
 * DESK_PRESENCE_CHANNEL and keeps the others' last counts. An announcement older than three beats
 * counts as zero (the process died or lost its listener), so the answer errs towards "nobody" rather
 * than promising a person who is gone. Taking a transfer still needs an operator in the process
 * running the call (README "Running several processes").
 */
export function createDeskPresence(deps: {
  desk: { availableCount(): number };
  pubsub: Pick<PubSub, 'publish' | 'subscribe'>;
  /** This process's id (any unique string). */
  processId: string;
  everyMs?: number;
  now?: () => number;
}): DeskPresence {
  const everyMs = deps.everyMs ?? DESK_PRESENCE_EVERY_MS;
  const now = deps.now ?? Date.now;
  const others = new Map<string, { available: number; at: number }>();
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => Promise<void>) | undefined;

  const announce = () =>
    void deps.pubsub
      .publish(DESK_PRESENCE_CHANNEL, { process: deps.processId, available: deps.desk.availableCount() })
      .catch(() => undefined);

  return {
    anyAvailable() {
      if (deps.desk.availableCount() > 0) return true;
      const fresh = now() - 3 * everyMs;
      return [...others.values()].some((o) => o.at >= fresh && o.available > 0);
    },
    async start() {
      unsubscribe = await deps.pubsub.subscribe(DESK_PRESENCE_CHANNEL, (message) => {
        const m = message as { process?: unknown; available?: unknown } | null;
        if (typeof m?.process !== 'string' || m.process === deps.processId || typeof m.available !== 'number') return;
        others.set(m.process, { available: m.available, at: now() });
      });
      announce();
      timer = setInterval(announce, everyMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await unsubscribe?.();
    },
  };
}
