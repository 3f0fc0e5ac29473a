import type { Kysely } from 'kysely';
import type { Store } from '../store/connect';
import type { DialectName } from '../store/dialect';
import type { Database } from '../store/schema';
import type { ChainedEvent } from './chain';
import { appendAuditEvent, toEvent } from './audit-log';

/**
 * Events that belong to no case (an admin changing the business hours or the policy) go into the
 * same hash chain as case events, under this reserved case id: one chain, one `aizuchi audit verify`,
 * and an altered settings change breaks every later link exactly as an altered case event does.
 * Case ids are UUIDs, so the name cannot collide with a case.
 */
export const SYSTEM_CASE_ID = 'system';

export interface SystemEventInput {
  kind: string;
  /** Who did it: a console principal id (local account id or `oidc:<subject>`). */
  actorId: string;
  /** Never secrets; old → new values of what changed. */
  data: Record<string, unknown>;
  at: Date;
}

/** Appends a case-independent event to the chain inside the caller's write transaction. */
export function appendSystemEvent(trx: Kysely<Database>, dialect: DialectName, input: SystemEventInput): Promise<ChainedEvent> {
  return appendAuditEvent(trx, dialect, {
    caseId: SYSTEM_CASE_ID,
    accountId: null,
    kind: input.kind,
    data: { actorId: input.actorId, ...input.data },
    at: input.at,
  });
}

/** The newest `limit` system events of `kind` (all kinds when omitted), newest first. */
export async function recentSystemEvents(store: Store, limit: number, kind?: string): Promise<ChainedEvent[]> {
  let q = store.db.selectFrom('case_events').selectAll().where('case_id', '=', SYSTEM_CASE_ID);
  if (kind) q = q.where('kind', '=', kind);
  const rows = await q.orderBy('seq', 'desc').limit(limit).execute();
  return rows.map(toEvent);
}
