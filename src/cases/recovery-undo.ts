import type { Kysely } from 'kysely';
import { isCaseState, isTerminal } from '../domain/cases/case-state';
import type { Clock } from '../domain/clock';
import { maskEmail } from '../domain/phone';
import type { IdentityProvider } from '../identity/provider';
import type { JobQueue } from '../jobs/queue';
import { enqueueMail } from '../mail/mail-job';
import { recoveryCancelled, resetDisowned } from '../mail/templates';
import type { Logger } from '../observability/logger';
import { type Keys, hmacHex } from '../security/keys';
import type { Database } from '../store/schema';
import type { CaseService } from './case-service';
import { OperatorActionError } from './operator-actions';

/** The flag that puts a resolved case before a person: the owner disowned the reset it made. */
export const DISOWNED_AFTER_RESET = 'disowned_after_reset';
/** The history event that marks a case as disowned; a second confirmation finds it and acts no more. */
const LOCK_EVENT = 'recovery_locked';

export interface RecoveryUndoDeps {
  cases: CaseService;
  identity: Pick<IdentityProvider, 'freezeEnrolment' | 'unfreezeEnrolment' | 'revokeSessions' | 'getContact'>;
  queue: JobQueue;
  keys: Keys;
  clock: Clock;
  /** How long self-service recovery stays locked (AIZUCHI_RECOVERY_LOCK_DAYS). */
  lockMs: number;
  companyName: string;
  timeZone: string;
  logger: Logger;
}

/** What a link leads to, for the confirmation page; nothing changes. */
export type DisownPreview = 'known' | 'unknown';
/** `cancelled`: an open request stopped; `reset_disowned`: a completed reset undone as far as we can. */
export type DisownOutcome = 'cancelled' | 'reset_disowned' | 'already_done' | 'unknown';

/**
 * True while self-service recovery is locked for the account: a new request then goes to a person
 * instead of a callback, with the same answer to the requester (no oracle).
 */
export async function isRecoveryLocked(db: Kysely<Database>, accountId: string, now: Date): Promise<boolean> {
  const row = await db.selectFrom('recovery_locks').select('locked_until').where('account_id', '=', accountId).executeTakeFirst();
  return row !== undefined && row.locked_until > now.toISOString();
}

/**
 * The "this wasn't me" link from every recovery mail, made to act (SECURITY.md "Notifications",
 * issue 7 finding 4). Before a reset it cancels the request; in every case it locks self-service
 * recovery for the account for `lockMs`; after a reset it also freezes enrolment of a new factor,
 * revokes every session, flags the case for a person and tells the account's address. The embedded
 * identity provider keeps one address per account, so "every address" is that one.
 */
export function createRecoveryUndo(deps: RecoveryUndoDeps) {
  const { cases } = deps;
  const hashOf = (token: string) => hmacHex(deps.keys.tokenHmac, `cancel:${token}`);
  const caseByToken = (db: Kysely<Database>, token: string) =>
    db
      .selectFrom('cases')
      .select(['id', 'state', 'outcome', 'account_id'])
      .where('cancel_token_hash', '=', hashOf(token))
      .executeTakeFirst();

  async function preview(token: string): Promise<DisownPreview> {
    return (await cases.inTransaction((trx) => caseByToken(trx, token))) ? 'known' : 'unknown';
  }

  async function disown(token: string): Promise<DisownOutcome> {
    // Read first (outside the write transaction) to know which provider calls are due: they cannot
    // share our transaction and are idempotent, so they run before the history records them.
    const seen = await cases.inTransaction((trx) => caseByToken(trx, token));
    if (!seen) return 'unknown';
    const afterReset = seen.state === 'resolved' && seen.outcome === 'mfa_reset';
    const contact = seen.account_id ? await deps.identity.getContact(seen.account_id) : null;
    if (afterReset && seen.account_id) {
      await deps.identity.freezeEnrolment(seen.account_id);
      await deps.identity.revokeSessions(seen.account_id);
    }
    const outcome = await cases.inTransaction(async (trx): Promise<DisownOutcome> => {
      const row = await caseByToken(trx, token);
      if (!row) return 'unknown';
      const history = await trx.selectFrom('case_events').select('kind').where('case_id', '=', row.id).execute();
      if (history.some((e) => e.kind === LOCK_EVENT)) {
        await cases.record(trx, row.id, 'customer_disowned_request', { stateWas: row.state, repeated: true });
        return 'already_done';
      }
      const now = deps.clock.now();
      if (isCaseState(row.state) && !isTerminal(row.state)) {
        await cases.transition(trx, row.id, 'cancelled', 'cancelled_by_customer', { via: 'email_link' }, { outcome: 'cancelled' });
      } else {
        await cases.record(trx, row.id, 'customer_disowned_request', { stateWas: row.state });
      }
      if (!row.account_id) return 'cancelled';
      const until = new Date(now.getTime() + deps.lockMs);
      await lockRecovery(trx, row.account_id, row.id, now, until);
      await cases.record(trx, row.id, LOCK_EVENT, { until: until.toISOString(), via: 'email_link' });
      if (afterReset) {
        await trx
          .updateTable('cases')
          .set({ review_flag: DISOWNED_AFTER_RESET, updated_at: now.toISOString() })
          .where('id', '=', row.id)
          .execute();
        await cases.record(trx, row.id, 'reset_disowned', {
          enrolmentFrozen: true,
          sessionsRevoked: true,
          reviewFlag: DISOWNED_AFTER_RESET,
        });
      }
      if (contact) {
        const template = afterReset ? 'reset-disowned' : 'recovery-cancelled';
        const base = { lang: contact.lang, companyName: deps.companyName, name: contact.name, at: now, timeZone: deps.timeZone };
        const mail = afterReset ? resetDisowned(base) : recoveryCancelled({ ...base, recoveryLocked: true });
        await enqueueMail(deps.queue, { to: contact.email, ...mail, key: `${template}:${row.id}`, template }, trx);
        await cases.record(trx, row.id, 'notification_queued', { template, to: maskEmail(contact.email) });
      }
      return afterReset ? 'reset_disowned' : 'cancelled';
    });
    deps.logger.info({ caseId: seen.id, outcome }, 'recovery disowned by the customer');
    return outcome;
  }

  /**
   * An operator's decision after reviewing a disowned reset: enrolment of a new factor is allowed
   * again and the case leaves the "needs a person" list. The recovery lock runs its time.
   */
  async function unfreeze(caseId: string, operatorId: string): Promise<void> {
    const row = await cases.get(caseId);
    if (!row) throw new OperatorActionError('not_found', `no case with id ${caseId}`);
    if (row.review_flag !== DISOWNED_AFTER_RESET || !row.account_id)
      throw new OperatorActionError('wrong_state', 'this case has no frozen enrolment to lift');
    await deps.identity.unfreezeEnrolment(row.account_id);
    await cases.inTransaction(async (trx) => {
      await trx
        .updateTable('cases')
        .set({ review_flag: null, updated_at: deps.clock.now().toISOString() })
        .where('id', '=', caseId)
        .execute();
      await cases.record(trx, caseId, 'enrolment_unfrozen', { operatorId });
    });
  }

  return { preview, disown, unfreeze };
}

export type RecoveryUndo = ReturnType<typeof createRecoveryUndo>;

/** Sets (or extends) the account's recovery lock; a portable upsert inside the caller's transaction. */
async function lockRecovery(trx: Kysely<Database>, accountId: string, caseId: string, now: Date, until: Date): Promise<void> {
  const existing = await trx.selectFrom('recovery_locks').select('locked_until').where('account_id', '=', accountId).executeTakeFirst();
  if (!existing) {
    await trx
      .insertInto('recovery_locks')
      .values({ account_id: accountId, locked_until: until.toISOString(), case_id: caseId, created_at: now.toISOString() })
      .execute();
  } else if (existing.locked_until < until.toISOString()) {
    await trx
      .updateTable('recovery_locks')
      .set({ locked_until: until.toISOString(), case_id: caseId })
      .where('account_id', '=', accountId)
      .execute();
  }
}
