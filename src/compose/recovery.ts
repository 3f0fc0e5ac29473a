import { queuedCallbackScheduler } from '../cases/callback-job';
import type { CaseService } from '../cases/case-service';
import { createRecoveryNotifier } from '../cases/recovery-notifier';
import { RecoveryRequestService } from '../cases/recovery-request';
import { type RecoveryUndo, createRecoveryUndo } from '../cases/recovery-undo';
import type { Config } from '../config';
import { composeAccountLookup } from './identity';
import type { BusinessCalendar } from '../domain/calendar';
import type { Clock } from '../domain/clock';
import { normalizePhone } from '../domain/phone';
import type { IdentityProvider } from '../identity/provider';
import type { IdentityService } from '../identity/service';
import type { JobQueue } from '../jobs/queue';
import type { Logger } from '../observability/logger';
import type { Keys } from '../security/keys';
import type { RateLimiter } from '../security/rate-limiter';
import { createSoftphoneLinks, softphoneLinkFor } from '../telephony/softphone/softphone-links';

export interface RecoveryWiring {
  cases: CaseService;
  identity: IdentityService;
  /** Where customer accounts live (AIZUCHI_IDENTITY). */
  accounts: IdentityProvider;
  limiter: RateLimiter;
  calendar: BusinessCalendar;
  queue: JobQueue;
  keys: Keys;
  clock: Clock;
  /** false: the request mail carries no softphone link (no built-in softphone). */
  withSoftphone: boolean;
}

/**
 * The recovery request flow from configuration: accounts come from AIZUCHI_IDENTITY's provider, the
 * callback is a queued CALLBACK_JOB (cases/callback-job.ts), the mail links the softphone.
 */
export function composeRecovery(config: Config, w: RecoveryWiring): RecoveryRequestService {
  return new RecoveryRequestService({
    cases: w.cases,
    limiter: w.limiter,
    accounts: composeAccountLookup(w.accounts, w.identity),
    calendar: w.calendar,
    scheduler: queuedCallbackScheduler(w.queue),
    notifier: createRecoveryNotifier({
      queue: w.queue,
      publicUrl: config.publicUrl,
      timeZone: config.calendar.timeZone,
      companyName: config.companyName,
      clock: w.clock,
      linkFor: w.withSoftphone
        ? softphoneLinkFor(createSoftphoneLinks({ tokenKey: w.keys.tokenHmac, clock: w.clock, cases: w.cases }), config.publicUrl)
        : null,
    }),
    keys: w.keys,
    clock: w.clock,
    normalizePhone: (input) => normalizePhone(input),
    limits: config.limits,
    callLeadMs: config.limits.callbackLeadSec * 1000,
  });
}

/**
 * The "this wasn't me" link's actions: the accounts' provider freezes enrolment and revokes sessions,
 * the lock lasts AIZUCHI_RECOVERY_LOCK_DAYS, the owner's mail goes through the job queue.
 */
export function composeRecoveryUndo(
  config: Config,
  w: Pick<RecoveryWiring, 'cases' | 'accounts' | 'queue' | 'keys' | 'clock'> & { logger: Logger },
): RecoveryUndo {
  return createRecoveryUndo({
    cases: w.cases,
    identity: w.accounts,
    queue: w.queue,
    keys: w.keys,
    clock: w.clock,
    lockMs: config.recoveryLockDays * 86_400_000,
    companyName: config.companyName,
    timeZone: config.calendar.timeZone,
    logger: w.logger,
  });
}
