import type { Dialer } from '../../cases/callback-job';
import type { Clock } from '../../domain/clock';
import { placeSoftphoneCall } from './softphone-calls';
import type { SoftphoneHub } from './softphone-hub';

/** How long after the dial the open pages look again: the dial's transaction commits in between. */
const POKE_DELAYS_MS = [50, 300];

/**
 * The softphone "rings" by placing a pending call row in the dial's transaction; open pages for the
 * case see it (pushed by the hub in this process, or at their next poll) and ring.
 */
export function createSoftphoneDialer(deps: {
  hub: SoftphoneHub;
  clock: Clock;
  /** How long a placed call stays answerable (a page opened late still rings within it). */
  ringWindowMs: number;
  setTimer?: (ms: number, callback: () => void) => void;
}): Dialer {
  const setTimer = deps.setTimer ?? ((ms, cb) => void setTimeout(cb, ms).unref());
  return {
    async dial(trx, caseId) {
      await placeSoftphoneCall(trx, caseId, deps.clock.now(), deps.ringWindowMs);
      for (const ms of POKE_DELAYS_MS) setTimer(ms, () => deps.hub.poke(caseId));
    },
  };
}
