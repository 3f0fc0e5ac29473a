import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../domain/clock';
import type { Store } from '../../store/connect';
import type { Database } from '../../store/schema';
import type { UnansweredOutcome } from './ring-state';

/** What a softphone line needs to know about calls placed to its case. */
export interface SoftphoneCallPort {
  /** The newest softphone call for this case still waiting to be answered. */
  findOffered(caseId: string): Promise<{ callId: string } | null>;
  /** pending → active, exactly once: false when another tab took it or it ended. */
  claim(callId: string): Promise<boolean>;
  /** Ends a call nobody answered; the case's retry policy reacts to `outcome`. */
  endUnanswered(callId: string, caseId: string, outcome: UnansweredOutcome): Promise<void>;
}

export const SOFTPHONE_CHANNEL = 'softphone';

/**
 * Places a softphone call: a pending row that open pages for the case find and ring. Runs inside the
 * dialer's transaction. No token: the per-case mail link identifies the page, the row only says "ring now".
 */
export async function placeSoftphoneCall(trx: Kysely<Database>, caseId: string, now: Date, ringWindowMs: number): Promise<string> {
  const id = randomUUID();
  await trx
    .insertInto('calls')
    .values({
      id,
      case_id: caseId,
      channel: SOFTPHONE_CHANNEL,
      state: 'pending',
      token_hash: null,
      token_expires_at: new Date(now.getTime() + ringWindowMs).toISOString(),
      started_at: null,
      ended_at: null,
      outcome: null,
      recording_path: null,
      recording_deleted_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  return id;
}

/**
 * Softphone calls kept in the shared `calls` table, so the dialer (in the job worker's transaction)
 * and the page's line (in the web process) meet through the database and a crash loses nothing.
 */
export function createSoftphoneCalls(deps: {
  store: Pick<Store, 'db'>;
  clock: Clock;
  /** Called after a call ended unanswered (the case's retry policy); optional. */
  onUnanswered?: (args: { callId: string; caseId: string; outcome: UnansweredOutcome }) => Promise<void>;
}): SoftphoneCallPort {
  const { store, clock } = deps;
  return {
    async findOffered(caseId) {
      const row = await store.db
        .selectFrom('calls')
        .select('id')
        .where('case_id', '=', caseId)
        .where('channel', '=', SOFTPHONE_CHANNEL)
        .where('state', '=', 'pending')
        .where('token_expires_at', '>', clock.now().toISOString())
        .orderBy('created_at', 'desc')
        .executeTakeFirst();
      return row ? { callId: row.id } : null;
    },
    async claim(callId) {
      const res = await store.db
        .updateTable('calls')
        .set({ state: 'active', started_at: clock.now().toISOString() })
        .where('id', '=', callId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },
    async endUnanswered(callId, caseId, outcome) {
      const res = await store.db
        .updateTable('calls')
        .set({ state: 'ended', ended_at: clock.now().toISOString(), outcome })
        .where('id', '=', callId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 1) await deps.onUnanswered?.({ callId, caseId, outcome });
    },
  };
}
