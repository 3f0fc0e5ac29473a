import { type Kysely, sql } from 'kysely';
import type { Store } from '../store/connect';
import type { DialectName } from '../store/dialect';
import type { Database } from '../store/schema';
import { ChainVerifier, type ChainVerdict, type ChainedEvent, GENESIS_HASH, hashEvent } from './chain';

/** PostgreSQL advisory-lock key that serialises appends to the chain. */
export const AUDIT_CHAIN_LOCK = 0x617564; // "aud"

export interface AuditEventInput {
  caseId: string;
  accountId: string | null;
  kind: string;
  /** Never codes or passwords; phone numbers hashed, emails masked. */
  data: Record<string, unknown>;
  at: Date;
}

/**
 * Takes the chain's lock for the rest of the transaction. On PostgreSQL an advisory lock, re-entrant
 * within one transaction; on SQLite a write transaction (BEGIN IMMEDIATE) already excludes every
 * other writer.
 */
export async function lockAuditChain(trx: Kysely<Database>, dialect: DialectName): Promise<void> {
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`.execute(trx);
}

/**
 * Appends one event to the chain inside the caller's write transaction. It takes the chain's lock
 * itself, so reading the head and writing the next link cannot interleave with another writer
 * whatever transaction the caller opened.
 */
export async function appendAuditEvent(trx: Kysely<Database>, dialect: DialectName, input: AuditEventInput): Promise<ChainedEvent> {
  const [event] = await appendAuditEvents(trx, dialect, [input]);
  return event!;
}

/**
 * Appends events to the chain in the order given, in three statements whatever their number: the
 * chain's lock, the head, one insert. The lock is held to the end of the caller's transaction, so a
 * caller that appends last (CaseService.inTransactionChainLast) holds it only for these and its commit.
 */
export async function appendAuditEvents(
  trx: Kysely<Database>,
  dialect: DialectName,
  inputs: readonly AuditEventInput[],
): Promise<ChainedEvent[]> {
  if (inputs.length === 0) return [];
  await lockAuditChain(trx, dialect);
  const head = await trx.selectFrom('case_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let seq = head ? Number(head.seq) : 0;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const events = inputs.map((input): ChainedEvent => {
    const base = {
      seq: ++seq,
      caseId: input.caseId,
      accountId: input.accountId,
      kind: input.kind,
      data: JSON.stringify(input.data),
      at: input.at.toISOString(),
      prevHash,
    };
    prevHash = hashEvent(base);
    return { ...base, hash: prevHash };
  });
  await trx
    .insertInto('case_events')
    .values(
      events.map((e) => ({
        seq: e.seq,
        case_id: e.caseId,
        account_id: e.accountId,
        kind: e.kind,
        data: e.data,
        at: e.at,
        prev_hash: e.prevHash,
        hash: e.hash,
      })),
    )
    .execute();
  return events;
}

type Row = Database['case_events'];
/** A case_events row as a chain link. */
export const toEvent = (r: { [K in keyof Row]: Row[K] }): ChainedEvent => ({
  seq: Number(r.seq),
  caseId: r.case_id,
  accountId: r.account_id,
  kind: r.kind,
  data: r.data,
  at: r.at,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** A case's events, oldest first. */
export function caseHistory(store: Store, caseId: string): Promise<ChainedEvent[]> {
  return caseHistoryIn(store.db, caseId);
}

/**
 * A case's events, oldest first, read through `db` — a caller's open transaction, since a second
 * connection's read would wait on that transaction's lock under SQLite.
 */
export async function caseHistoryIn(db: Kysely<Database>, caseId: string): Promise<ChainedEvent[]> {
  const rows = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('seq').execute();
  return rows.map(toEvent);
}

/** Reads the whole chain in pages (it may be large) and verifies it as it goes. */
export async function verifyAuditLog(store: Store, pageSize = 5000): Promise<ChainVerdict> {
  const verifier = new ChainVerifier();
  let after = 0;
  for (;;) {
    const rows = await store.db.selectFrom('case_events').selectAll().where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    if (rows.length === 0) break;
    for (const r of rows) if (verifier.add(toEvent(r))) return verifier.verdict();
    after = Number(rows[rows.length - 1]!.seq);
  }
  return verifier.verdict();
}
