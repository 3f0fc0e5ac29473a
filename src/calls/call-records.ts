import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock';
import { redactCallerText } from '../agent/redaction';
import { hmacHex, newToken } from '../security/keys';
import { guardCallerLine } from './transcript-guard';
import type { Store } from '../store/connect';
import type { CallsTable, Database } from '../store/schema';
import type { CarrierLeg, LegCarrier } from '../channels/carrier';

export type CallRow = CallsTable;
/** How the call reaches the customer: a text link, the browser softphone, or a carrier ringing the phone (issue 8). */
export type CallChannelName = 'text' | 'softphone' | LegCarrier;

export interface TranscriptLine {
  speaker: string;
  text: string;
  at: string;
}

export type RedeemResult = { ok: true; call: CallRow } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'unplaced' };

/**
 * The calls table and transcripts. A call link's token is random and shown once; only its HMAC is
 * stored, and the first connection spends it (pending → active), so a copied URL opens nothing.
 */
export function createCallRecords(deps: { store: Store; tokenKey: Buffer; clock: Clock; tokenTtlMs: number }) {
  const { store, clock } = deps;
  const tokenHash = (token: string) => hmacHex(deps.tokenKey, `call:${token}`);

  /** `provesPhonePossession`: the placing dialer's capability (Dialer.provesPhonePossession), fixed at dial time. */
  async function create(
    trx: Kysely<Database>,
    caseId: string,
    channel: CallChannelName,
    provesPhonePossession: boolean,
  ): Promise<{ call: CallRow; token: string }> {
    const now = clock.now();
    const token = newToken();
    const call: CallRow = {
      id: randomUUID(),
      case_id: caseId,
      channel,
      state: 'pending',
      token_hash: tokenHash(token),
      token_expires_at: new Date(now.getTime() + deps.tokenTtlMs).toISOString(),
      started_at: null,
      ended_at: null,
      outcome: null,
      recording_path: null,
      recording_deleted_at: null,
      proves_phone_possession: provesPhonePossession ? 1 : 0,
      created_at: now.toISOString(),
    };
    await trx.insertInto('calls').values(call).execute();
    return { call, token };
  }

  /**
   * Spends the token inside the caller's transaction (which also moves the case). A call that went
   * out through a carrier (`carrier` set) opens only for media naming that carrier's leg: a leaked
   * token on another call's stream, or on a framing that names no leg, is `unknown` and NOT spent,
   * so the real stream still gets through. `unplaced`: the carrier's leg id is not written yet (the
   * place-call job's write can lose the race to a quick answer); the caller may try again shortly.
   * A spent call is then owned by `ownerId`, the process whose session runs it (call-owners.ts).
   */
  async function redeem(trx: Kysely<Database>, token: string, ownerId: string, leg?: CarrierLeg | null): Promise<RedeemResult> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) return { ok: false, reason: 'unknown' };
    const row = await trx.selectFrom('calls').selectAll().where('token_hash', '=', tokenHash(token)).executeTakeFirst();
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.state !== 'pending') return { ok: false, reason: 'used' };
    if (row.carrier) {
      if (!leg || leg.carrier !== row.carrier) return { ok: false, reason: 'unknown' };
      if (!row.carrier_call_id) return { ok: false, reason: 'unplaced' };
      if (row.carrier_call_id !== leg.carrierCallId) return { ok: false, reason: 'unknown' };
    }
    const now = clock.now();
    if (!row.token_expires_at || new Date(row.token_expires_at) <= now) return { ok: false, reason: 'expired' };
    const startedAt = now.toISOString();
    const res = await trx
      .updateTable('calls')
      .set({ state: 'active', started_at: startedAt, owner_id: ownerId })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return { ok: false, reason: 'used' };
    return { ok: true, call: { ...row, state: 'active', started_at: startedAt, owner_id: ownerId } };
  }

  /**
   * A fresh single-use token for a call that is still `pending`, replacing the one issued at dial
   * time (whose raw value nobody kept): the carrier's outbound-call job mints it right before it
   * places the call, so no raw token ever sits in a job payload or a table. Valid `tokenTtlMs` from
   * now. Null when the call is no longer pending (ended by the sweep, a cancel, or already connected).
   */
  async function reissueToken(trx: Kysely<Database>, callId: string): Promise<string | null> {
    const token = newToken();
    const res = await trx
      .updateTable('calls')
      .set({ token_hash: tokenHash(token), token_expires_at: new Date(clock.now().getTime() + deps.tokenTtlMs).toISOString() })
      .where('id', '=', callId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1 ? token : null;
  }

  /** Marks the call ended once; false when it already was. */
  async function finish(trx: Kysely<Database>, callId: string, outcome: string): Promise<boolean> {
    const res = await trx
      .updateTable('calls')
      .set({ state: 'ended', ended_at: clock.now().toISOString(), outcome })
      .where('id', '=', callId)
      .where('state', '!=', 'ended')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * The transcript sink. Caller lines are redacted here again, whatever step or code path produced them
   * (issue 7, finding 7): digits in any language's reading, written or spelled addresses, secret-shaped
   * tokens (transcript-guard). Agent lines are our own prompts and are stored as said. Returns the line
   * as stored, for the live feed (which must show no more than the store keeps).
   */
  async function appendTranscript(callId: string, speaker: 'agent' | 'caller', text: string): Promise<TranscriptLine> {
    const stored = speaker === 'caller' ? guardCallerLine(redactCallerText(text)) : text;
    const at = clock.now().toISOString();
    await store.db.insertInto('transcript_entries').values({ call_id: callId, speaker, text: stored, at }).execute();
    return { speaker, text: stored, at };
  }

  async function transcript(callId: string): Promise<TranscriptLine[]> {
    return store.db
      .selectFrom('transcript_entries')
      .select(['speaker', 'text', 'at'])
      .where('call_id', '=', callId)
      .orderBy('id')
      .execute();
  }

  async function forCase(caseId: string): Promise<CallRow[]> {
    return store.db.selectFrom('calls').selectAll().where('case_id', '=', caseId).orderBy('created_at').execute();
  }

  async function get(callId: string): Promise<CallRow | undefined> {
    return store.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
  }

  /**
   * Calls nobody will finish: pending links past expiry, and active calls whose owner is gone — no
   * `processes` row with a heartbeat at or after `ownerCutoff` (ISO), or no owner recorded (a call
   * connected before migration 018). Calls in `exclude` (this process's own sessions) are never stale.
   */
  async function stale(opts: { ownerCutoff: string; exclude: ReadonlySet<string> }): Promise<CallRow[]> {
    const nowIso = clock.now().toISOString();
    const rows = await store.db
      .selectFrom('calls')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'pending'), eb('token_expires_at', '<=', nowIso)]),
          eb.and([
            eb('state', '=', 'active'),
            eb.or([
              eb('owner_id', 'is', null),
              eb('owner_id', 'not in', eb.selectFrom('processes').select('id').where('heartbeat_at', '>=', opts.ownerCutoff)),
            ]),
          ]),
        ]),
      )
      .execute();
    return rows.filter((r) => !opts.exclude.has(r.id));
  }

  /** Rows of processes gone past the lease that own no active call any more: nothing refers to them. */
  async function reapOwners(ownerCutoff: string): Promise<void> {
    await store.db
      .deleteFrom('processes')
      .where('heartbeat_at', '<', ownerCutoff)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('calls').select('calls.id').where('calls.state', '=', 'active').whereRef('calls.owner_id', '=', 'processes.id'),
          ),
        ),
      )
      .execute();
  }

  /** Of `callIds`, those already ended in the store (by another process's sweep, say). */
  async function endedAmong(callIds: readonly string[]): Promise<string[]> {
    if (callIds.length === 0) return [];
    const rows = await store.db.selectFrom('calls').select('id').where('id', 'in', callIds).where('state', '=', 'ended').execute();
    return rows.map((r) => r.id);
  }

  return { create, redeem, reissueToken, finish, appendTranscript, transcript, forCase, get, stale, reapOwners, endedAmong };
}

export type CallRecords = ReturnType<typeof createCallRecords>;
