import { CALLBACK_JOB, type Dialer, createCallbackJobHandler } from '../cases/callback-job';
import type { CaseService } from '../cases/case-service';
import { type CallService, MFA_RESET_DUE_JOB, MFA_RESET_RESUME_JOB } from '../calls';
import { RECORDING_RETENTION_JOB, createRecordingRetentionJobHandler } from '../calls/recording/retention-job';
import { staleCallSweepJob } from '../calls/stale-call-sweep';
import type { Config } from '../config';
import type { BusinessCalendar } from '../domain/calendar';
import type { Clock } from '../domain/clock';
import { createDbJobQueue } from '../jobs/db-job-queue';
import type { JobSystem } from '../jobs/job-system';
import { sealJobs } from '../jobs/sealed-jobs';
import { createPgBossJobs } from '../jobs/pg-boss/pg-boss-jobs';
import { dbSpentTokens, pruneSpentHandoffsJob } from '../identity/handoff/spent-tokens';
import { pruneExpiredSsoSessions } from '../identity/operator-sso/sso-sessions';
import { type RecurringJob, recurringHandler } from '../jobs/recurring';
import { MAIL_JOB, createMailJobHandler } from '../mail/mail-job';
import type { MailSender } from '../mail/sender';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { pruneRateEventsJob } from '../security/prune-rate-events';
import type { RateLimiter } from '../security/rate-limiter';
import type { Store } from '../store/connect';

/**
 * The job engine over the opened store (config.jobEngine: AIZUCHI_JOB_ENGINE, by default pg-boss on
 * PostgreSQL and the embedded queue on SQLite). pg-boss installs its schema here, so `serve` and every
 * command that opens the store have it. Payloads are sealed with `key` (Keys.jobs). Starts no worker. Throws JobEngineError when pg-boss cannot
 * install its schema.
 */
export async function createJobSystem(
  config: Config,
  { key, ...deps }: { store: Store; clock: Clock; logger: Logger; workerId: string; key: Buffer },
): Promise<JobSystem> {
  const engine = config.jobEngine === 'pg-boss' ? await createPgBossJobs({ ...deps, leaseMs: config.jobLeaseMs }) : createDbJobQueue(deps);
  // Payloads wait in the database: codes and links in mail jobs are sealed there (jobs/sealed-jobs.ts).
  return sealJobs(engine, key);
}

export interface JobsWiring {
  jobs: JobSystem;
  store: Store;
  cases: CaseService;
  calendar: BusinessCalendar;
  calls: CallService;
  dialer: Dialer;
  sender: MailSender;
  limiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Registers every job kind's handler with the worker, and returns the recurring housekeeping jobs
 * the server makes sure are queued (ensureRecurring) before the worker starts.
 */
export function registerJobs(config: Config, w: JobsWiring): RecurringJob[] {
  const { jobs, clock } = w;
  jobs.worker.register(
    CALLBACK_JOB,
    createCallbackJobHandler({ cases: w.cases, calendar: w.calendar, queue: jobs.queue, clock, logger: w.logger, dialer: w.dialer }),
  );
  jobs.worker.register(MAIL_JOB, createMailJobHandler({ sender: w.sender, logger: w.logger, metrics: w.metrics }));
  jobs.worker.register(MFA_RESET_DUE_JOB, w.calls.resetDueHandler);
  jobs.worker.register(MFA_RESET_RESUME_JOB, w.calls.resetResumeHandler);
  jobs.worker.register(
    RECORDING_RETENTION_JOB,
    createRecordingRetentionJobHandler({
      store: w.store,
      queue: jobs.queue,
      clock,
      dataDir: config.dataDir,
      retentionDays: config.recordingRetentionDays,
    }),
  );
  const recurring = [
    pruneRateEventsJob(w.limiter),
    pruneSpentHandoffsJob(dbSpentTokens(w.store.db, clock), [{ prune: () => pruneExpiredSsoSessions(w.store.db, clock) }]),
    staleCallSweepJob(w.calls, w.logger, config.callLeaseMs),
  ];
  for (const job of recurring) jobs.worker.register(job.kind, recurringHandler(jobs.queue, job, clock));
  return recurring;
}
