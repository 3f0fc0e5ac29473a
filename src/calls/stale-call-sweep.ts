import type { RecurringJob } from '../jobs/recurring';
import type { Logger } from '../observability/logger';
import type { CallService } from './call-service';

export const STALE_CALL_SWEEP_JOB = 'maintenance.stale-call-sweep';

/**
 * Every minute, call links that expired unused end `abandoned` (their cases are retried), as a
 * recurring job in the durable queue rather than a timer per process: one process sweeps each
 * slot. Active calls are left alone here; only start-up abandons those (`abandonStale({ startup: true })`).
 * A failed sweep is logged and the next slot tries again, so a database hiccup never ends the chain.
 */
export function staleCallSweepJob(calls: Pick<CallService, 'abandonStale'>, logger: Logger): RecurringJob {
  return {
    kind: STALE_CALL_SWEEP_JOB,
    everyMs: 60_000,
    async run() {
      try {
        await calls.abandonStale({ startup: false });
      } catch (err) {
        logger.warn({ errorName: (err as Error)?.name }, 'stale call sweep failed');
      }
    },
  };
}
