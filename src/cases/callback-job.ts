import type { Logger } from '../observability/logger';
import { type JobHandler, type JobQueue, PermanentJobError, type StoreTransaction } from '../jobs/queue';
import type { Dialer } from '../channels/dialer';
import type { CaseRow, CaseService } from './case-service';

export const CALLBACK_JOB = 'callback.start';

export interface CallbackPayload {
  caseId: string;
}

// The Dialer contract lives with the other channel contracts, so channels need not import cases.
export type { Dialer } from '../channels/dialer';

export interface CallbackJobDeps {
  cases: CaseService;
  calendar: { isOpen(at: Date): boolean; nextOpen(from: Date): Date };
  queue: JobQueue;
  dialer: Dialer;
  clock: { now(): Date };
  logger: Logger;
}

export function callbackDedupeKey(caseId: string, at: Date): string {
  return `callback:${caseId}:${at.toISOString()}`;
}

/** How the recovery flow books a callback for a scheduled case. */
export interface CallbackScheduler {
  /** Enqueues the callback job for a scheduled case, inside the caller's transaction. */
  schedule(trx: StoreTransaction, caseId: string, at: Date): Promise<void>;
}

/**
 * The recovery flow's CallbackScheduler over the job queue: a CALLBACK_JOB at `at`, enqueued in the
 * request's transaction; the dedupe key (case and time) makes a repeated schedule for the same slot a no-op.
 */
export function queuedCallbackScheduler(queue: Pick<JobQueue, 'enqueue'>): CallbackScheduler {
  return {
    schedule: async (trx, caseId, at) => {
      await queue.enqueue(CALLBACK_JOB, { caseId }, { runAt: at, dedupeKey: callbackDedupeKey(caseId, at) }, trx);
    },
  };
}

/**
 * Moves a scheduled case to `calling` and rings the customer, in the caller's transaction, so a
 * crash leaves either both or neither. Shared by the due callback and an operator's "call now".
 * Returns the attempt number.
 */
export async function placeCallback(
  deps: { cases: CaseService; dialer: Dialer },
  trx: StoreTransaction,
  row: Pick<CaseRow, 'id' | 'call_attempts'>,
  eventData: Record<string, unknown> = {},
): Promise<number> {
  const attempt = row.call_attempts + 1;
  const evidence = { provesPhonePossession: deps.dialer.provesPhonePossession };
  await deps.cases.transition(trx, row.id, 'calling', 'call_started', { attempt, ...evidence, ...eventData }, { call_attempts: attempt });
  await deps.dialer.dial(trx, row.id, attempt);
  return attempt;
}

/**
 * Runs when a callback is due. It re-checks the calendar at run time (a queue that was down over a
 * weekend must not call on Monday at 03:00) and moves the case to `calling` before dialling. Cases
 * that are not scheduled, or scheduled for later than now, are left alone.
 */
export function createCallbackJobHandler(deps: CallbackJobDeps): JobHandler {
  const log = deps.logger.child({ component: 'callback' });
  return async (payload, ctx) => {
    const caseId = (payload as Partial<CallbackPayload> | null)?.caseId;
    if (typeof caseId !== 'string' || caseId === '' || caseId.length > 100) throw new PermanentJobError('callback payload names no case');
    const row = await deps.cases.get(caseId);
    if (!row || row.state !== 'scheduled') {
      log.info({ jobId: ctx.jobId, state: row?.state ?? 'missing' }, 'callback skipped: case no longer scheduled');
      return;
    }
    const now = deps.clock.now();
    // A job due before the case's own call time is not this case's callback: the stand-in every
    // request enqueues (recovery-request.ts) for a case a person approved for later, or a stale one.
    if (row.scheduled_at && now.getTime() < new Date(row.scheduled_at).getTime()) {
      log.info({ jobId: ctx.jobId }, 'callback skipped: case is due later');
      return;
    }
    if (!deps.calendar.isOpen(now)) {
      const at = deps.calendar.nextOpen(now);
      await ctx.complete(async (trx) => {
        await deps.cases.transition(
          trx,
          caseId,
          'scheduled',
          'callback_deferred',
          { reason: 'outside_hours', at: at.toISOString() },
          { scheduled_at: at.toISOString() },
        );
        await deps.queue.enqueue(CALLBACK_JOB, { caseId }, { runAt: at, dedupeKey: callbackDedupeKey(caseId, at) }, trx);
      });
      return;
    }
    await ctx.complete((trx) => placeCallback(deps, trx, row));
  };
}
