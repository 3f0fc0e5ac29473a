import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, EscalationsTable } from '../../store/schema';
import type { EscalationReason } from './reasons';

export type EscalationRow = EscalationsTable;

/** The case's open escalation, if any, read in the caller's transaction. */
export function openEscalationOf(trx: Kysely<Database>, caseId: string): Promise<EscalationRow | undefined> {
  return trx.selectFrom('escalations').selectAll().where('case_id', '=', caseId).where('closed_at', 'is', null).executeTakeFirst();
}

/**
 * Puts the case in the queue, inside the transaction that moved it (CaseService.transition holds the
 * audit chain's lock, so the check and the insert cannot interleave with another). A case already
 * waiting keeps its first reason and its SLA clock: a second hand-over does not restart the wait.
 */
export async function openEscalationIn(
  trx: Kysely<Database>,
  args: { caseId: string; reason: EscalationReason; at: Date },
): Promise<EscalationRow> {
  const open = await openEscalationOf(trx, args.caseId);
  if (open) return open;
  const row: EscalationRow = {
    id: crypto.randomUUID(),
    case_id: args.caseId,
    reason: args.reason,
    opened_at: args.at.toISOString(),
    claimed_by: null,
    claimed_at: null,
    closed_at: null,
    resolution: null,
  };
  await trx.insertInto('escalations').values(row).execute();
  return row;
}

/** Takes the case out of the queue; `resolution` is the case event that did it. No-op when none is open. */
export async function closeEscalationIn(trx: Kysely<Database>, caseId: string, resolution: string, at: Date): Promise<boolean> {
  const res = await trx
    .updateTable('escalations')
    .set({ closed_at: at.toISOString(), resolution })
    .where('case_id', '=', caseId)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}

/** Why an operator may not act on an escalation as its holder. */
export type HolderRefusal = 'not_found' | 'closed' | 'not_holder';

/**
 * The escalation, when it is open and `operatorId` holds it (claimed it); else why not. One rule
 * for every holder-only action (release, manual recovery); each caller throws its own error.
 */
export async function heldEscalation(
  trx: Kysely<Database>,
  id: string,
  operatorId: string,
): Promise<{ ok: true; row: EscalationRow } | { ok: false; refusal: HolderRefusal }> {
  const row = await trx.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return { ok: false, refusal: 'not_found' };
  if (row.closed_at) return { ok: false, refusal: 'closed' };
  if (row.claimed_by !== operatorId) return { ok: false, refusal: 'not_holder' };
  return { ok: true, row };
}
