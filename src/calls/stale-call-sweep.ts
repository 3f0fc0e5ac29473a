import type { RecurringJob } from '../jobs/recurring';
import type { Logger } from '../observability/logger';
import type { CallService } from './call-service';

export const STALE_CALL_SWEEP_JOB = 'maintenance.stale-call-sweep';

/**
 * Every `everyMs` (the call lease, AIZUCHI_CALL_LEASE_SEC; default 30 s), calls nobody will finish
 * end `abandoned` and their cases are retried: links that expired unused, and active calls whose
 * owner process stopped beating (CallService.abandonStale, call-owners.ts). A recurring job in the
 * durable queue rather than a timer per process: one process sweeps each slot. A failed sweep is
 * logged and the next slot tries again, so a database hiccup never ends the chain.
 */
export function staleCallSweepJob(calls: Pick<CallService, 'abandonStale'>, logger: Logger, everyMs = 60_000): RecurringJob {
  return {
    kind: STALE_CALL_SWEEP_JOB,
    everyMs,
    async run() {
      try {
        await calls.abandonStale();
      } catch (err) {
        logger.warn({ errorName: (err as Error)?.name }, 'stale call sweep failed');
      }
    },
  };
}
