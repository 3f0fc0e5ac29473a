import type { CaseService } from '../cases/case-service';
import type { Clock } from '../domain/clock';
import { maskEmail } from '../domain/phone';
import type { IdentityContact, IdentityProvider } from '../identity/provider';
import type { JobHandler, JobQueue } from '../jobs/queue';
import { enqueueMail } from '../mail/mail-job';
import { mfaReset } from '../mail/templates';
import type { Logger } from '../observability/logger';
import { hmacHex, newToken } from '../security/keys';

/** Runs a strict-policy reset once its cooling-off is over. */
export const MFA_RESET_DUE_JOB = 'mfa.reset_due';

export interface ResetDuePayload {
  caseId: string;
  /** When the policy decided; a normal sign-in after this aborts the reset. */
  decidedAt: string;
}

export interface MfaResetDeps {
  cases: CaseService;
  identity: IdentityProvider;
  queue: JobQueue;
  tokenKey: Buffer;
  clock: Clock;
  publicUrl: string;
  companyName: string;
  timeZone: string;
  logger: Logger;
}

/**
 * The end state of a successful recovery: MFA removed through the identity provider, a new device
 * required, every session revoked, the account's email told (with a fresh "this wasn't me" link),
 * and the case resolved in its history. The provider calls cannot share our transaction (an external
 * IdP has its own), so they run first and are idempotent; the history then records them.
 */
export function createMfaReset(deps: MfaResetDeps) {
  const log = deps.logger.child({ component: 'mfa-reset' });

  async function perform(caseId: string, accountId: string, contact: IdentityContact, via: 'agent' | 'cooling_off_job'): Promise<void> {
    await deps.identity.removeMfaAndRequireNewDevice(accountId);
    await deps.identity.revokeSessions(accountId);
    await deps.cases.inTransaction(async (trx) => {
      const token = newToken();
      await deps.cases.replaceCancelToken(trx, caseId, hmacHex(deps.tokenKey, `cancel:${token}`));
      await deps.cases.transition(
        trx,
        caseId,
        'resolved',
        'mfa_reset',
        { via, mfaRemoved: true, newDeviceRequired: true, sessionsRevoked: true },
        { outcome: 'mfa_reset' },
      );
      const cancelUrl = new URL(`/recover/cancel?token=${encodeURIComponent(token)}&lang=${contact.lang}`, deps.publicUrl).toString();
      const mail = mfaReset({
        lang: contact.lang,
        companyName: deps.companyName,
        name: contact.name,
        at: deps.clock.now(),
        timeZone: deps.timeZone,
        cancelUrl,
      });
      await enqueueMail(deps.queue, { to: contact.email, ...mail, key: `mfa-reset:${caseId}`, template: 'mfa-reset' }, trx);
      await deps.cases.record(trx, caseId, 'notification_queued', { template: 'mfa-reset', to: maskEmail(contact.email) });
    });
    log.info({ caseId, accountId, via }, 'mfa reset completed');
  }

  /** Strict policy: the reset waits in `verifying`; a cancel or a normal sign-in meanwhile stops it. */
  async function schedule(caseId: string, delayMs: number): Promise<Date> {
    const now = deps.clock.now();
    const at = new Date(now.getTime() + delayMs);
    await deps.cases.inTransaction(async (trx) => {
      await deps.cases.record(trx, caseId, 'reset_scheduled', { at: at.toISOString(), coolingOffHours: delayMs / 3_600_000 });
      const payload: ResetDuePayload = { caseId, decidedAt: now.toISOString() };
      await deps.queue.enqueue(MFA_RESET_DUE_JOB, payload, { runAt: at, dedupeKey: `mfa-reset-due:${caseId}` }, trx);
    });
    return at;
  }

  const dueHandler: JobHandler = async (payload) => {
    const { caseId, decidedAt } = payload as ResetDuePayload;
    const row = await deps.cases.get(caseId);
    if (!row || row.state !== 'verifying' || !row.account_id) {
      log.info({ caseId, state: row?.state ?? 'missing' }, 'scheduled reset skipped: case no longer waiting');
      return;
    }
    const accountId = row.account_id;
    // Sessions belong to identity: ask the provider, never its table.
    const signedIn = await deps.identity.signedInSince(accountId, new Date(decidedAt));
    if (signedIn) {
      await deps.cases.inTransaction((trx) =>
        deps.cases.transition(trx, caseId, 'cancelled', 'reset_aborted', { reason: 'normal_sign_in' }, { outcome: 'cancelled' }),
      );
      return;
    }
    const contact = await deps.identity.getContact(accountId);
    if (!contact) throw new Error('account of a scheduled reset no longer exists');
    await perform(caseId, accountId, contact, 'cooling_off_job');
  };

  return { perform, schedule, dueHandler };
}

export type MfaReset = ReturnType<typeof createMfaReset>;
