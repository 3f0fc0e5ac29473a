import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../domain/clock';
import { AizuchiError, errorFields } from '../../domain/errors';
import {
  type ChecklistItemId,
  type ManualEvidence,
  type PolicyPreset,
  type Proof,
  decideManualRecovery,
  isChecklistItem,
  proof,
} from '../../domain/policy';
import type { IdentityContact } from '../../identity/provider';
import type { Database, ManualRecoveriesTable } from '../../store/schema';
import type { CaseRow, CaseService } from '../case-service';
import { MAX_NOTE_CHARS, noteRefusal } from './escalation-queue';
import { heldEscalation } from './escalation-rows';
import { failManualRecovery } from './manual-recovery-failure';

export type ManualRecoveryFailure =
  | 'not_found'
  | 'wrong_state'
  | 'not_holder'
  | 'invalid_input'
  | 'no_account'
  | 'own_account'
  | 'unknown_person'
  | 'same_operator'
  | 'pending_exists'
  | 'already_decided'
  | 'expired';

/** What the console needs to say a refusal in the operator's language (web/pages/console/escalation-error-texts.ts). */
export interface ManualRecoveryErrorDetails {
  /** invalid_input: the required checklist items left unticked. */
  missingItems?: readonly ChecklistItemId[];
  /** already_decided: the request's state now (approved, rejected, …). */
  state?: string;
}

export class ManualRecoveryError extends AizuchiError {
  declare readonly code: ManualRecoveryFailure;
  constructor(
    code: ManualRecoveryFailure,
    message: string,
    readonly details: ManualRecoveryErrorDetails = {},
  ) {
    super(message, { code, retryable: false });
  }
}

/** A manual recovery as the pages read it: the row with its JSON fields parsed. */
export interface ManualRecovery extends Omit<ManualRecoveriesTable, 'checklist' | 'evidence' | 'privileged'> {
  checklist: ChecklistItemId[];
  evidence: ManualEvidence[];
  privileged: boolean;
}

/** Who acts: the console principal's id (account id or `oidc:<sub>`) and, when known, an HMAC of their email. */
export interface Actor {
  id: string;
  person?: string;
}

/**
 * What a submission or an approval led to: the reset done, still waiting, half done (a job finishes
 * it or, giving up, marks the request failed), or failed at once (the request is `failed`).
 */
export type ManualOutcome = 'pending_approval' | 'reset' | 'reset_incomplete' | 'failed' | 'rejected';

export interface ManualRecoveryDeps {
  cases: CaseService;
  /** For reads outside a write transaction (Store.db). */
  db: Kysely<Database>;
  clock: Clock;
  /**
   * The preset in force now (the saved /console/settings, else the environment's): an admin's change
   * applies to the next submission without a restart, as it does for the agent.
   */
  policy(): PolicyPreset;
  /** Reads the account's contact (and whether it is privileged) before any transaction: the provider may be remote. */
  contactOf(accountId: string): Promise<IdentityContact | null>;
  /**
   * Runs the MFA reset (calls/mfa-reset.ts `perform` with via `manual`), outside any transaction;
   * resolves the case on success. Rejects with an error whose code is `mfa_reset_incomplete` when
   * a provider step failed (the case records it and a resume job is queued).
   */
  reset(caseId: string, accountId: string, contact: IdentityContact, detail: Record<string, unknown>): Promise<void>;
  /**
   * The person key of an email, as Actor.person is made (an HMAC of the lower-cased address). An
   * operator signed in through SSO has an id (`oidc:<sub>`) that never equals an account id, so the
   * own-account rule also compares this key with the account's email. Absent: ids alone.
   */
  personOf?(email: string): string;
}

type Trx = Kysely<Database>;

function parse(row: ManualRecoveriesTable): ManualRecovery {
  return {
    ...row,
    checklist: JSON.parse(row.checklist) as ChecklistItemId[],
    evidence: JSON.parse(row.evidence) as ManualEvidence[],
    privileged: row.privileged === 1,
  };
}

/**
 * Manual recovery by a person, with the two-person rule (issue 10; SECURITY.md "Manual recovery").
 * The operator holding an escalation submits the policy's checklist (domain decideManualRecovery)
 * and a note. A non-privileged account is reset at once; a privileged one (every account under
 * `strict`) waits as a `pending` request until a different operator approves it within the
 * policy's TTL. Approval is one conditional UPDATE (`state = 'pending'`, not expired, not the
 * requester), so of two approvals at once one row changes and one reset runs. The reset itself runs
 * after the transaction commits (an external IdP cannot share it); each step is a case event.
 */
export function createManualRecovery(deps: ManualRecoveryDeps) {
  const { cases, clock } = deps;

  async function held(trx: Trx, escalationId: string, operatorId: string): Promise<CaseRow> {
    const held = await heldEscalation(trx, escalationId, operatorId);
    if (!held.ok && held.refusal === 'not_found') throw new ManualRecoveryError('not_found', `no escalation with id ${escalationId}`);
    if (!held.ok && held.refusal === 'closed') throw new ManualRecoveryError('wrong_state', 'this escalation is already closed');
    if (!held.ok) throw new ManualRecoveryError('not_holder', 'claim the escalation first; only its holder can act on it');
    const e = held.row;
    const row = await cases.get(e.case_id, trx);
    if (!row) throw new ManualRecoveryError('not_found', `no case for escalation ${escalationId}`);
    if (row.state !== 'escalated')
      throw new ManualRecoveryError('wrong_state', `the case is ${row.state}; only an escalated case can be recovered`);
    return row;
  }

  /** Pending requests of the case whose time ran out become `expired`, each a case event. */
  async function expireStale(trx: Trx, caseId: string, now: Date): Promise<void> {
    const stale = await trx
      .selectFrom('manual_recoveries')
      .select(['id', 'requested_by'])
      .where('case_id', '=', caseId)
      .where('state', '=', 'pending')
      .where('expires_at', '<=', now.toISOString())
      .execute();
    for (const s of stale) {
      await trx.updateTable('manual_recoveries').set({ state: 'expired' }).where('id', '=', s.id).where('state', '=', 'pending').execute();
      await cases.record(trx, caseId, 'manual_recovery_expired', { requestId: s.id, requestedBy: s.requested_by });
    }
  }

  /**
   * Runs the approved reset. A half-done reset stays `approved` while its resume job works (the job
   * marks it failed when it gives up); any other error ends the request `failed` (reset_error) at
   * once, so it neither stays `approved` forever nor blocks a new request.
   */
  async function runReset(r: ManualRecovery, contact: IdentityContact): Promise<ManualOutcome> {
    const detail = { requestId: r.id, requestedBy: r.requested_by, approvedBy: r.decided_by, checklist: r.checklist };
    try {
      await deps.reset(r.case_id, r.account_id, contact, detail);
      return 'reset';
    } catch (err) {
      if ((err as { code?: unknown }).code === 'mfa_reset_incomplete') return 'reset_incomplete';
      // The error's code (or, without one, its class name) goes into the case event; its message may carry provider text.
      const { errorName, errorCode } = errorFields(err);
      await cases.inTransaction((trx) =>
        failManualRecovery(trx, cases, { requestId: r.id, reason: 'reset_error', errorCode: errorCode ?? errorName }),
      );
      return 'failed';
    }
  }

  async function contactFor(accountId: string | null): Promise<{ accountId: string; contact: IdentityContact }> {
    if (!accountId) throw new ManualRecoveryError('no_account', 'the case has no account to recover');
    const contact = await deps.contactOf(accountId);
    if (!contact) throw new ManualRecoveryError('no_account', 'the account of this case no longer exists');
    return { accountId, contact };
  }

  /**
   * The holder submits the checklist. Errors: invalid_input (a required item unticked, a note
   * empty, too long or holding a code or full address), not_holder, wrong_state, no_account,
   * own_account (an operator recovering their own account), unknown_person (an SSO sign-in
   * without a verified email), pending_exists.
   */
  async function request(args: { escalationId: string; operator: Actor; ticked: readonly string[]; note: string }) {
    const note = args.note.trim();
    const chars = [...note].length;
    if (chars === 0 || chars > MAX_NOTE_CHARS)
      throw new ManualRecoveryError('invalid_input', `the note must be 1 to ${MAX_NOTE_CHARS} characters`);
    const refusal = noteRefusal(note);
    if (refusal) throw new ManualRecoveryError('invalid_input', refusal);
    assertKnownPerson(args.operator);
    const e = await deps.db.selectFrom('escalations').selectAll().where('id', '=', args.escalationId).executeTakeFirst();
    if (!e) throw new ManualRecoveryError('not_found', `no escalation with id ${args.escalationId}`);
    const before = await cases.require(e.case_id);
    const { accountId, contact } = await contactFor(before.account_id);
    if (ownAccount(args.operator, accountId, contact))
      throw new ManualRecoveryError('own_account', 'an operator cannot recover their own account');
    const caseProofs: Proof[] = before.assurance === 'password_verified' ? [proof('password', 'request_password')] : [];
    const policy = deps.policy();
    const decision = decideManualRecovery({ ...policy, ticked: args.ticked, caseProofs, privileged: contact.privileged });
    if (decision.action === 'refuse') {
      throw new ManualRecoveryError('invalid_input', `tick every required check first (missing: ${decision.missingItems.join(', ')})`, {
        missingItems: decision.missingItems,
      });
    }
    const ticked = policy.manual.checklist.map((c) => c.item).filter((i) => args.ticked.includes(i) && isChecklistItem(i));
    const needsApproval = decision.action === 'needs_second_operator';
    const r = await cases.inTransaction(async (trx): Promise<ManualRecovery> => {
      const row = await held(trx, args.escalationId, args.operator.id);
      const now = clock.now();
      await expireStale(trx, row.id, now);
      const open = await trx
        .selectFrom('manual_recoveries')
        .select('id')
        .where('case_id', '=', row.id)
        .where('state', 'in', ['pending', 'approved'])
        .executeTakeFirst();
      if (open) throw new ManualRecoveryError('pending_exists', 'a manual recovery of this case is already waiting or under way');
      const stored: ManualRecoveriesTable = {
        id: crypto.randomUUID(),
        case_id: row.id,
        escalation_id: args.escalationId,
        account_id: accountId,
        policy: policy.name,
        privileged: contact.privileged ? 1 : 0,
        checklist: JSON.stringify(ticked),
        evidence: JSON.stringify(decision.evidence),
        note,
        requested_by: args.operator.id,
        requester_person: args.operator.person ?? null,
        requested_at: now.toISOString(),
        state: needsApproval ? 'pending' : 'approved',
        expires_at: needsApproval ? new Date(now.getTime() + policy.manual.approvalTtlMs).toISOString() : null,
        decided_by: null,
        decided_at: null,
        failure_reason: null,
      };
      await trx.insertInto('manual_recoveries').values(stored).execute();
      await cases.record(trx, row.id, 'manual_recovery_requested', {
        requestId: stored.id,
        escalationId: args.escalationId,
        operatorId: args.operator.id,
        policy: policy.name,
        privileged: contact.privileged,
        secondOperatorRequired: needsApproval,
        ...(stored.expires_at ? { expiresAt: stored.expires_at } : {}),
        checklist: ticked,
        evidence: decision.evidence,
        noteChars: chars,
      });
      return parse(stored);
    });
    const outcome: ManualOutcome = needsApproval ? 'pending_approval' : await runReset(r, contact);
    return { request: r, outcome };
  }

  /**
   * The rules below compare persons, not only ids: an SSO operator without a verified email (the
   * scopes ask for none, or the provider did not verify it) could be anyone's account too, and their
   * id (`oidc:<sub>`) never matches an account or a local operator. Such a session may not request or
   * decide (unknown_person). Without personOf wired, ids alone decide, as before.
   */
  function assertKnownPerson(by: Actor): void {
    if (deps.personOf !== undefined && by.person === undefined)
      throw new ManualRecoveryError(
        'unknown_person',
        'your sign-in carries no verified email, so the two-person and own-account rules cannot tell who you are; sign in with an account that has one',
      );
  }

  /** The account is the actor's own: the same id, or (SSO and local alike) the same person's email. */
  function ownAccount(by: Actor, accountId: string, contact: IdentityContact | null): boolean {
    if (by.id === accountId) return true;
    return by.person !== undefined && contact !== null && deps.personOf !== undefined && deps.personOf(contact.email) === by.person;
  }

  /** Refusals shared by approve and reject: the requester themself (by id or same person), or the account's owner. */
  function assertOtherOperator(r: ManualRecovery, by: Actor): void {
    if (by.id === r.requested_by || (by.person !== undefined && by.person === r.requester_person))
      throw new ManualRecoveryError('same_operator', 'a second, different operator must decide; the requester cannot');
    if (by.id === r.account_id) throw new ManualRecoveryError('own_account', 'an operator cannot decide on their own account');
  }

  /**
   * Why a conditional UPDATE changed nothing, as an error to throw after the transaction commits (so
   * marking an expired request `expired` is kept, not rolled back with the throw).
   */
  async function lost(trx: Trx, r: ManualRecovery, now: Date): Promise<ManualRecoveryError> {
    if (r.expires_at !== null && r.expires_at <= now.toISOString()) {
      await expireStale(trx, r.case_id, now);
      return new ManualRecoveryError('expired', 'this request expired; the holder must submit the checklist again');
    }
    const row = await trx.selectFrom('manual_recoveries').select('state').where('id', '=', r.id).executeTakeFirst();
    return new ManualRecoveryError('already_decided', `this request is already ${row?.state ?? 'gone'}`, row ? { state: row.state } : {});
  }

  /**
   * A second operator decides on a pending request. Approve runs the reset after the commit.
   * Errors: unknown_person, not_found, same_operator, own_account, expired, already_decided, wrong_state.
   */
  async function decide(id: string, by: Actor, verdict: 'approved' | 'rejected') {
    assertKnownPerson(by);
    const before = await get(id);
    if (!before) throw new ManualRecoveryError('not_found', `no manual recovery with id ${id}`);
    assertOtherOperator(before, by);
    const { contact } = verdict === 'approved' ? await contactFor(before.account_id) : { contact: null };
    if (ownAccount(by, before.account_id, contact))
      throw new ManualRecoveryError('own_account', 'an operator cannot decide on their own account');
    const r = await cases.inTransaction(async (trx) => {
      const now = clock.now();
      const res = await trx
        .updateTable('manual_recoveries')
        .set({ state: verdict, decided_by: by.id, decided_at: now.toISOString() })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .where('expires_at', '>', now.toISOString())
        .where('requested_by', '!=', by.id)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return lost(trx, before, now);
      const row = await cases.get(before.case_id, trx);
      if (verdict === 'approved' && row?.state !== 'escalated')
        throw new ManualRecoveryError('wrong_state', `the case is ${row?.state ?? 'gone'}; nothing was approved`);
      await cases.record(trx, before.case_id, `manual_recovery_${verdict}`, {
        requestId: id,
        escalationId: before.escalation_id,
        operatorId: by.id,
        requestedBy: before.requested_by,
        ...(verdict === 'approved' ? { evidence: before.evidence } : {}),
      });
      return { ...before, state: verdict, decided_by: by.id, decided_at: now.toISOString() };
    });
    if (r instanceof ManualRecoveryError) throw r;
    const outcome: ManualOutcome = verdict === 'approved' && contact ? await runReset(r, contact) : 'rejected';
    return { request: r, outcome };
  }

  async function get(id: string): Promise<ManualRecovery | undefined> {
    const row = await deps.db.selectFrom('manual_recoveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? parse(row) : undefined;
  }

  /** The case's requests, newest first. */
  async function forCase(caseId: string): Promise<ManualRecovery[]> {
    const rows = await deps.db
      .selectFrom('manual_recoveries')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('requested_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(parse);
  }

  /** Every request waiting for a second operator (expired ones included; the page marks them), oldest first. */
  async function pending(limit = 200): Promise<ManualRecovery[]> {
    const rows = await deps.db
      .selectFrom('manual_recoveries')
      .selectAll()
      .where('state', '=', 'pending')
      .orderBy('requested_at', 'asc')
      .limit(limit)
      .execute();
    return rows.map(parse);
  }

  /** Requests whose reset failed (failure_reason says why), newest first. */
  async function failed(limit = 200): Promise<ManualRecovery[]> {
    const rows = await deps.db
      .selectFrom('manual_recoveries')
      .selectAll()
      .where('state', '=', 'failed')
      .orderBy('requested_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(parse);
  }

  return {
    request,
    failed,
    approve: (id: string, by: Actor) => decide(id, by, 'approved'),
    reject: (id: string, by: Actor) => decide(id, by, 'rejected'),
    get,
    forCase,
    pending,
    policy: () => deps.policy(),
    now: () => clock.now(),
  };
}

export type ManualRecoveries = ReturnType<typeof createManualRecovery>;
