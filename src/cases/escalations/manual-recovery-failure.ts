import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema';
import type { CaseService } from '../case-service';

/**
 * Why an approved manual recovery ended `failed` (issue 10): the identity provider refused a reset
 * step for good (`provider_refused`: a 4xx, our credentials refused), the resume job ran out of
 * attempts against a provider that kept failing (`provider_retries_exhausted`), or the reset broke
 * in some other way before it could finish (`reset_error`). Stored in manual_recoveries.failure_reason.
 */
export type ManualFailureReason = 'provider_refused' | 'provider_retries_exhausted' | 'reset_error';

export const MANUAL_FAILURE_REASONS: readonly ManualFailureReason[] = ['provider_refused', 'provider_retries_exhausted', 'reset_error'];

export interface ManualFailure {
  requestId: string;
  reason: ManualFailureReason;
  /** The reset step that failed (calls/mfa-reset.ts RESET_STEPS), when one did. */
  failedStep?: string;
  /** The error's code (e.g. `identity_provider_auth`), never its message: messages may carry provider text. */
  errorCode?: string | null;
}

/**
 * Marks an `approved` request `failed` inside the caller's transaction (nothing external in it) and
 * records `manual_recovery_failed` on its case: {requestId, escalationId, reason, failedStep?,
 * errorCode, requestedBy, approvedBy} — ids and codes only, no contact and no secret. The escalation
 * is not touched: it stays with its holder, who may submit again (a failed request does not count as
 * open). Returns false, changing nothing, when the request is missing or no longer `approved`.
 */
export async function failManualRecovery(trx: Kysely<Database>, cases: Pick<CaseService, 'record'>, f: ManualFailure): Promise<boolean> {
  const row = await trx
    .selectFrom('manual_recoveries')
    .select(['case_id', 'escalation_id', 'requested_by', 'decided_by'])
    .where('id', '=', f.requestId)
    .executeTakeFirst();
  if (!row) return false;
  const res = await trx
    .updateTable('manual_recoveries')
    .set({ state: 'failed', failure_reason: f.reason })
    .where('id', '=', f.requestId)
    .where('state', '=', 'approved')
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  await cases.record(trx, row.case_id, 'manual_recovery_failed', {
    requestId: f.requestId,
    escalationId: row.escalation_id,
    reason: f.reason,
    ...(f.failedStep ? { failedStep: f.failedStep } : {}),
    errorCode: f.errorCode ?? null,
    requestedBy: row.requested_by,
    approvedBy: row.decided_by,
  });
  return true;
}
