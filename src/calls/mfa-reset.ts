import type { Kysely } from 'kysely';
import type { CaseService } from '../cases/case-service';
import type { Clock } from '../domain/clock';
import { AizuchiError, errorFields } from '../domain/errors';
import { maskEmail } from '../domain/phone';
import type { IdentityContact, IdentityProvider } from '../identity/provider';
import type { JobHandler, JobQueue } from '../jobs/queue';
import { enqueueMail } from '../mail/mail-job';
import { mfaReset } from '../mail/templates';
import type { Logger } from '../observability/logger';
import { hmacHex, newToken } from '../security/keys';
import type { Database } from '../store/schema';

/** Runs a strict-policy reset once its cooling-off is over. */
export const MFA_RESET_DUE_JOB = 'mfa.reset_due';
/** Finishes a reset whose provider steps did not all succeed (the queue retries it with backoff). */
export const MFA_RESET_RESUME_JOB = 'mfa.reset_resume';

/** First wait before a half-failed reset is tried again; the job queue backs off after that. */
const RESUME_DELAY_MS = 60_000;
/** Runs of the resume job before it gives up on a provider that keeps failing (the queue backs off between them). */
export const RESUME_MAX_ATTEMPTS = 5;

export interface ResetDuePayload {
  caseId: string;
  /** When the policy decided; a normal sign-in after this aborts the reset. */
  decidedAt: string;
}

export interface ResetResumePayload {
  caseId: string;
  via: ResetVia;
  /** Who decided a manual reset (cases/escalations/manual-recovery.ts), carried into the `mfa_reset` event. */
  detail?: Record<string, unknown>;
}

/** Who decided the reset: the agent on a call, the strict policy's job after cooling off, or operators (manual recovery). */
export type ResetVia = 'agent' | 'cooling_off_job' | 'manual';

/**
 * A resume job that gave up: the provider refused a step for good (`provider_refused`, the error's
 * `retryable` is false) or its last attempt failed too (`provider_retries_exhausted`). `detail` is
 * the payload's (a manual reset's requestId, requestedBy, approvedBy).
 */
export interface ResetGaveUp {
  caseId: string;
  via: ResetVia;
  detail?: Record<string, unknown>;
  reason: 'provider_refused' | 'provider_retries_exhausted';
  failedStep: string;
  errorCode: string | null;
  attempt: number;
}

/**
 * The provider steps of a reset, in this order: a new factor is required before the old ones go, so
 * no moment exists in which a password alone signs in; sessions go last, so a device signed in with
 * the removed factor cannot re-enrol before the requirement holds. Each step is idempotent.
 */
const RESET_STEPS = ['new_factor_required', 'mfa_removed', 'sessions_revoked'] as const;
type ResetStep = (typeof RESET_STEPS)[number];

/**
 * A reset whose provider steps did not all complete. The case records which step failed
 * (`reset_incomplete`), stays unresolved, and MFA_RESET_RESUME_JOB runs every step again.
 */
export class MfaResetIncompleteError extends AizuchiError {
  constructor(
    readonly failedStep: ResetStep,
    cause: unknown,
  ) {
    super(`mfa reset incomplete at ${failedStep}; a job retries it`, { code: 'mfa_reset_incomplete', retryable: true, cause });
  }
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
  /**
   * Called inside the job's done transaction when the resume job gives up (manual recovery marks its
   * request failed there). Database writes through `trx` only: nothing external.
   */
  gaveUp?(trx: Kysely<Database>, info: ResetGaveUp): Promise<unknown>;
}

/**
 * The end state of a successful recovery: a new device required, MFA removed and every session and
 * refresh token revoked through the identity provider, the account's email told (with a fresh "this
 * wasn't me" link), and the case resolved in its history. The provider calls cannot share our
 * transaction (an external IdP has its own), so each runs alone and its success is then recorded
 * (`reset_step`). A step that fails leaves the case unresolved with `reset_incomplete` in its history
 * and a resume job queued; the case is resolved only once every step has succeeded in one run.
 */
export function createMfaReset(deps: MfaResetDeps) {
  const log = deps.logger.child({ component: 'mfa-reset' });
  const provider = deps.identity.kind;

  async function runStep(caseId: string, accountId: string, step: ResetStep): Promise<void> {
    if (step === 'new_factor_required') await deps.identity.requireNewFactor(accountId);
    else if (step === 'mfa_removed') await deps.identity.removeMfaFactors(accountId);
    else await deps.identity.revokeSessions(accountId);
    await deps.cases.inTransaction((trx) => deps.cases.record(trx, caseId, 'reset_step', { step, provider }));
  }

  /** Runs every step; on a failure records it on the case and rethrows it as MfaResetIncompleteError. */
  async function runSteps(caseId: string, accountId: string): Promise<void> {
    for (const step of RESET_STEPS) {
      try {
        await runStep(caseId, accountId, step);
      } catch (err) {
        const { errorName, errorCode } = errorFields(err);
        const retryable = (err as { retryable?: unknown }).retryable !== false;
        log.warn({ caseId, accountId, step, provider, errorName, errorCode, retryable }, 'mfa reset step failed');
        await deps.cases.inTransaction((trx) =>
          deps.cases.record(trx, caseId, 'reset_incomplete', {
            failedStep: step,
            provider,
            errorName,
            errorCode: errorCode ?? null,
            retryable,
          }),
        );
        throw new MfaResetIncompleteError(step, err);
      }
    }
  }

  async function complete(caseId: string, contact: IdentityContact, via: ResetVia, detail: Record<string, unknown> = {}): Promise<void> {
    await deps.cases.inTransaction(async (trx) => {
      const token = newToken();
      await deps.cases.replaceCancelToken(trx, caseId, hmacHex(deps.tokenKey, `cancel:${token}`));
      await deps.cases.transition(
        trx,
        caseId,
        'resolved',
        'mfa_reset',
        { via, provider, mfaRemoved: true, newDeviceRequired: true, sessionsRevoked: true, ...detail },
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
        byStaff: via === 'manual',
      });
      await enqueueMail(deps.queue, { to: contact.email, ...mail, key: `mfa-reset:${caseId}`, template: 'mfa-reset' }, trx);
      await deps.cases.record(trx, caseId, 'notification_queued', { template: 'mfa-reset', to: maskEmail(contact.email) });
    });
  }

  /**
   * Resets the account now. Throws MfaResetIncompleteError when a provider step failed: the case
   * then records it and a resume job is queued, so the caller must not report the reset as done.
   * `detail` (who asked, who approved) goes into the `mfa_reset` event.
   */
  async function perform(
    caseId: string,
    accountId: string,
    contact: IdentityContact,
    via: ResetVia,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    try {
      await runSteps(caseId, accountId);
    } catch (err) {
      if (err instanceof MfaResetIncompleteError) {
        const payload: ResetResumePayload = { caseId, via, ...(detail ? { detail } : {}) };
        const runAt = new Date(deps.clock.now().getTime() + RESUME_DELAY_MS);
        // A manual request that failed may be submitted again on the same case: its resume is a new job, not the old one's key.
        const request = typeof detail?.requestId === 'string' ? `:${detail.requestId}` : '';
        const dedupeKey = `mfa-reset-resume:${caseId}${request}`;
        await deps.cases.inTransaction((trx) =>
          deps.queue.enqueue(MFA_RESET_RESUME_JOB, payload, { runAt, dedupeKey, maxAttempts: RESUME_MAX_ATTEMPTS }, trx),
        );
      }
      throw err;
    }
    await complete(caseId, contact, via, detail);
    log.info({ caseId, accountId, via, provider }, 'mfa reset completed');
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
    if (signedIn === true) {
      await deps.cases.inTransaction((trx) =>
        deps.cases.transition(trx, caseId, 'cancelled', 'reset_aborted', { reason: 'normal_sign_in' }, { outcome: 'cancelled' }),
      );
      return;
    }
    if (signedIn === 'unknown') {
      // The provider cannot say nobody signed in: the safe direction is no reset without a person.
      await deps.cases.inTransaction((trx) =>
        deps.cases.transition(trx, caseId, 'escalated', 'reset_held', { reason: 'sign_in_unknown', provider }),
      );
      return;
    }
    const contact = await deps.identity.getContact(accountId);
    if (!contact) throw new Error('account of a scheduled reset no longer exists');
    await perform(caseId, accountId, contact, 'cooling_off_job');
  };

  /**
   * Finishes a half-failed reset: only while the case is still unresolved (an agent's failed reset
   * leaves it `escalated`, a cooling-off one `verifying`) and its latest reset event is the failure.
   * Every step runs again; a failure throws for the job queue's backoff. When the provider refused for
   * good, or on the last attempt, the job gives up instead: `reset_abandoned` on the case and
   * deps.gaveUp, in the transaction that marks the job done (so it happens once), and no throw.
   */
  const resumeHandler: JobHandler = async (payload, ctx) => {
    const { caseId, via, detail } = payload as ResetResumePayload;
    const row = await deps.cases.get(caseId);
    if (!row || !row.account_id || (row.state !== 'verifying' && row.state !== 'escalated')) {
      log.info({ caseId, state: row?.state ?? 'missing' }, 'reset resume skipped: case no longer waiting');
      return;
    }
    const history = await deps.cases.history(caseId);
    const lastReset = history.filter((e) => e.kind === 'reset_incomplete' || e.kind === 'reset_step' || e.kind === 'mfa_reset').at(-1);
    if (lastReset?.kind !== 'reset_incomplete') {
      log.info({ caseId }, 'reset resume skipped: no incomplete reset');
      return;
    }
    const contact = await deps.identity.getContact(row.account_id);
    if (!contact) throw new Error('account of an incomplete reset no longer exists');
    try {
      await runSteps(caseId, row.account_id);
    } catch (err) {
      if (!(err instanceof MfaResetIncompleteError)) throw err;
      const refused = (err.cause as { retryable?: unknown } | undefined)?.retryable === false;
      if (!refused && ctx.attempt < RESUME_MAX_ATTEMPTS) throw err;
      const info: ResetGaveUp = {
        caseId,
        via,
        ...(detail ? { detail } : {}),
        reason: refused ? 'provider_refused' : 'provider_retries_exhausted',
        failedStep: err.failedStep,
        errorCode: errorFields(err.cause).errorCode ?? null,
        attempt: ctx.attempt,
      };
      await ctx.complete(async (trx) => {
        await deps.cases.record(trx, caseId, 'reset_abandoned', {
          reason: info.reason,
          failedStep: info.failedStep,
          provider,
          errorCode: info.errorCode,
          attempt: info.attempt,
        });
        await deps.gaveUp?.(trx, info);
      });
      log.error(
        { caseId, via, provider, failedStep: info.failedStep, reason: info.reason, attempt: ctx.attempt },
        'mfa reset resume gave up',
      );
      return;
    }
    await complete(caseId, contact, via, detail);
    log.info({ caseId, accountId: row.account_id, via, provider }, 'incomplete mfa reset completed');
  };

  return { perform, schedule, dueHandler, resumeHandler };
}

export type MfaReset = ReturnType<typeof createMfaReset>;
