import type { JobHandler, JobQueue } from './queue';

/**
 * A job that runs every `everyMs`, kept in the same durable queue as everything else: each run
 * enqueues the next one in its completion transaction, and the dedupe key (one per time slot)
 * makes `ensure` safe to call at every start and from several processes at once.
 */
export interface RecurringJob {
  kind: string;
  everyMs: number;
  run(): Promise<void>;
}

function slotKey(kind: string, at: Date, everyMs: number): string {
  return `recurring:${kind}:${Math.floor(at.getTime() / everyMs)}`;
}

export async function ensureRecurring(queue: JobQueue, job: Pick<RecurringJob, 'kind' | 'everyMs'>, now: Date): Promise<void> {
  const next = new Date((Math.floor(now.getTime() / job.everyMs) + 1) * job.everyMs);
  await queue.enqueue(job.kind, {}, { runAt: next, dedupeKey: slotKey(job.kind, next, job.everyMs) });
}

export function recurringHandler(queue: JobQueue, job: RecurringJob, clock: { now(): Date }): JobHandler {
  return async (_payload, ctx) => {
    await job.run();
    const now = clock.now();
    const next = new Date((Math.floor(now.getTime() / job.everyMs) + 1) * job.everyMs);
    await ctx.complete((trx) => queue.enqueue(job.kind, {}, { runAt: next, dedupeKey: slotKey(job.kind, next, job.everyMs) }, trx));
  };
}
