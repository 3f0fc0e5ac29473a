import os from 'node:os';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { type CallbackJobDeps, CALLBACK_JOB, type Dialer, callbackDedupeKey, createCallbackJobHandler } from './cases/callback-job';
import { CaseService } from './cases/case-service';
import { type CallService, MFA_RESET_DUE_JOB, createCallService } from './calls';
import { createRecoveryNotifier } from './cases/recovery-notifier';
import { createOperatorActions } from './cases/operator-actions';
import { RecoveryRequestService } from './cases/recovery-request';
import type { Config } from './config';
import { type BusinessCalendar, createBusinessCalendar } from './domain/calendar';
import { type Clock, systemClock } from './domain/clock';
import { isLang } from './domain/lang';
import { maskEmail, maskPhone, normalizePhone } from './domain/phone';
import { type IdentityService, createIdentityService } from './identity/service';
import { type DbJobQueue, createDbJobQueue } from './jobs/db-job-queue';
import { type RecurringJob, ensureRecurring, recurringHandler } from './jobs/recurring';
import { type MailCatcher, createCatcherSender, createMailCatcher } from './mail/mail-catcher';
import { MAIL_JOB, createMailJobHandler } from './mail/mail-job';
import type { MailSender } from './mail/sender';
import { createSmtpSender } from './mail/smtp-sender';
import { type Logger, createLogger } from './observability/logger';
import { type Metrics, createMetrics } from './observability/metrics';
import { startMetricsServer } from './observability/metrics-server';
import { type Keys, deriveKeys, loadOrCreateMasterKey } from './security/keys';
import { RateLimiter } from './security/rate-limiter';
import { type Store, openStore } from './store/connect';
import { migrateToLatest } from './store/migrate';
import { buildApp } from './web/app';
import { callsCaseSection, callsPlugin } from './web/plugins/calls';
import { softphonePlugin } from './web/plugins/softphone';
import { type Softphone, createSoftphone } from './telephony/softphone';
import { createSoftphoneLinks, softphoneLinkFor } from './telephony/softphone/softphone-links';
import { openVoiceCall } from './calls/voice/open-voice-call';
import { recordingRoutes } from './calls/recording/recording-route';
import { createRecordingStore } from './calls/recording/recording-store';
import { recoverRecordings } from './calls/recording/recover-recordings';
import { RECORDING_RETENTION_JOB, createRecordingRetentionJobHandler, scheduleRecordingRetention } from './calls/recording/retention-job';
import { type VoiceRuntime, createVoiceRuntime } from './calls/voice/voice-media';
import { consolePlugin } from './web/plugins/console';
import { createIdentityWeb } from './web/plugins/identity';
import { mailCatcherPlugin } from './web/plugins/mail-catcher';
import { recoveryPlugin } from './web/plugins/recovery';

/**
 * The composition root: configuration → adapters → services. The server and every CLI command
 * build what they need from here; nothing else reads the environment or creates singletons.
 */
export interface Services {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  store: Store;
  keys: Keys;
  clock: Clock;
  calendar: BusinessCalendar;
  identity: IdentityService;
  cases: CaseService;
  recovery: RecoveryRequestService;
  jobs: DbJobQueue;
  mail: { sender: MailSender; catcher: MailCatcher | null };
  calls: CallService;
  /** The browser softphone that due callbacks ring; null when disabled. */
  softphone: Softphone | null;
  /** How a due callback (or an operator's call-now) rings the customer. */
  dialer: Dialer;
  /** Housekeeping jobs that re-enqueue themselves; the server makes sure each is queued. */
  recurring: RecurringJob[];
  close(): Promise<void>;
}

export interface ServiceOptions {
  logger?: Logger;
  clock?: Clock;
  /** How a due callback rings the customer; the default leaves the case waiting in `calling`. */
  dialer?: Dialer;
  /** false: no built-in browser softphone (tests that build their own). */
  withSoftphone?: boolean;
}

export async function createServices(config: Config, opts: ServiceOptions = {}): Promise<Services> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics();
  const store = openStore(config.databaseUrl);
  await migrateToLatest(store);
  const keys = deriveKeys(loadOrCreateMasterKey(config.dataDir));
  const calendar = createBusinessCalendar(config.calendar);
  const identity = createIdentityService({
    store,
    keys,
    clock,
    logger,
    limits: { loginFailuresPer15Min: config.limits.loginFailuresPer15Min },
    issuer: config.companyName,
  });
  const cases = new CaseService(store, clock);
  const jobs = createDbJobQueue({ store, clock, logger, workerId: `${os.hostname()}:${process.pid}` });

  const catcher = config.mail.smtpUrl ? null : createMailCatcher({ store, host: '127.0.0.1', port: config.mail.catcherPort, logger, clock });
  const sender = catcher ? createCatcherSender({ catcher, from: config.mail.from }) : createSmtpSender({ url: config.mail.smtpUrl!, from: config.mail.from });

  const limiter = new RateLimiter(store, clock);
  const recovery = new RecoveryRequestService({
    cases,
    limiter,
    accounts: {
      async findByEmail(email) {
        const a = await identity.findAccountByEmail(email);
        return a ? { id: a.id, email: a.email, phoneE164: a.phoneE164, lang: isLang(a.lang) ? a.lang : 'ja', name: a.name } : null;
      },
      passwordMatches: async (email, password) => (await identity.verifyPassword(email, password)) !== null,
    },
    calendar,
    scheduler: {
      schedule: async (trx, caseId, at) => {
        await jobs.queue.enqueue(CALLBACK_JOB, { caseId }, { runAt: at, dedupeKey: callbackDedupeKey(caseId, at) }, trx);
      },
    },
    notifier: createRecoveryNotifier({
      queue: jobs.queue,
      publicUrl: config.publicUrl,
      timeZone: config.calendar.timeZone,
      companyName: config.companyName,
      clock,
      linkFor: opts.withSoftphone === false ? null : softphoneLinkFor(createSoftphoneLinks({ tokenKey: keys.tokenHmac, clock }), config.publicUrl),
    }),
    keys,
    clock,
    normalizePhone: (input) => normalizePhone(input),
    limits: config.limits,
    callLeadMs: config.limits.callbackLeadSec * 1000,
  });

  const callbackDeps: CallbackJobDeps = {
    cases,
    calendar,
    queue: jobs.queue,
    clock,
    logger,
    // Due callbacks ring the customer's browser softphone (the link in the request mail).
    dialer: opts.dialer ?? {
      dial: async (trx, caseId, attempt) => {
        if (!softphone) throw new Error('no callback channel: the softphone is disabled and no dialer was given');
        await softphone.dialer.dial(trx, caseId, attempt);
      },
    },
  };
  jobs.worker.register(CALLBACK_JOB, createCallbackJobHandler(callbackDeps));
  jobs.worker.register(MAIL_JOB, createMailJobHandler({ sender, logger, metrics }));
  // Limits look back at most a day; older events only cost space.
  const pruneRateEvents: RecurringJob = { kind: 'maintenance.prune-rate-events', everyMs: 3_600_000, run: async () => void (await limiter.prune(2 * 86_400_000)) };
  jobs.worker.register(pruneRateEvents.kind, recurringHandler(jobs.queue, pruneRateEvents, clock));
  const recurring = [pruneRateEvents];

  const calls = createCallService({
    store,
    cases,
    identity,
    calendar,
    clock,
    keys,
    queue: jobs.queue,
    cancelJob: (key, trx) => jobs.cancelByDedupeKey(key, trx),
    limiter,
    logger,
    settings: {
      serverUrl: config.serverUrl,
      publicUrl: config.publicUrl,
      companyName: config.companyName,
      agentName: config.agentName,
      policy: config.policy,
      timeZone: config.calendar.timeZone,
      callbackRetries: config.limits.callbackRetries,
      callbackRetryDelayMin: config.limits.callbackRetryDelayMin,
    },
  });
  jobs.worker.register(MFA_RESET_DUE_JOB, calls.resetDueHandler);
  jobs.worker.register(
    RECORDING_RETENTION_JOB,
    createRecordingRetentionJobHandler({ store, queue: jobs.queue, clock, dataDir: config.dataDir, retentionDays: config.recordingRetentionDays }),
  );

  // Speech engines and the VAD model load on the first voice call, not in every CLI command.
  let voiceRuntime: Promise<VoiceRuntime> | undefined;
  const voice = () => (voiceRuntime ??= createVoiceRuntime(config, { prewarm: ['ja', 'en'] }));
  const softphone: Softphone | null =
    opts.withSoftphone === false
      ? null
      : createSoftphone({
          store,
          clock,
          tokenKey: keys.tokenHmac,
          calls,
          openVoice: async (args) => openVoiceCall({ runtime: await voice(), store, dataDir: config.dataDir, ...args }),
        });

  let closed = false;
  return {
    config,
    logger,
    metrics,
    store,
    keys,
    clock,
    calendar,
    identity,
    cases,
    recovery,
    jobs,
    mail: { sender, catcher },
    calls,
    softphone,
    dialer: callbackDeps.dialer,
    recurring,
    async close() {
      if (closed) return;
      closed = true;
      await jobs.worker.stop({ abortAfterMs: 5000 });
      if (voiceRuntime) await (await voiceRuntime).close();
      if (catcher) await catcher.stop();
      await store.close();
    },
  };
}

export class UnsafeMailCatcherError extends Error {
  constructor(host: string) {
    super(`HOST=${host} would publish the built-in mail catcher's inbox (every code it sent); set AIZUCHI_SMTP_URL to a real relay, or keep HOST on loopback`);
    this.name = 'UnsafeMailCatcherError';
  }
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  /** Prometheus scrapes here: its own listener (loopback by default), never the public app. */
  metricsUrl: string;
  stop(): Promise<void>;
}

/** Starts the mail catcher, the job worker and the HTTP server. */
export async function startServer(services: Services, extraPlugins: FastifyPluginAsync[] = []): Promise<RunningServer> {
  const { config, logger, metrics, keys, clock, identity, cases, recovery, store } = services;
  const identityWeb = createIdentityWeb({ identity, clock, csrfKey: keys.tokenHmac, publicUrl: config.publicUrl });
  const plugins: FastifyPluginAsync[] = [
    identityWeb.plugin,
    recoveryPlugin({
      recovery,
      csrf: identityWeb.csrf,
      minResponseMs: config.recoveryResponseFloorMs,
      async passwordEvidence(req) {
        const s = await identityWeb.readSession(req);
        if (!s?.passwordVerifiedAt) return null;
        const a = await identity.getAccount(s.accountId);
        return a ? { accountId: a.id, email: a.email } : null;
      },
    }),
    consolePlugin({
      cases,
      requireOperator: identityWeb.requireOperator,
      mask: { email: maskEmail, phone: maskPhone },
      caseSections: [callsCaseSection(services.calls)],
      operator: {
        actions: createOperatorActions({
          cases,
          calendar: services.calendar,
          queue: services.jobs.queue,
          cancelJob: (key, trx) => services.jobs.cancelByDedupeKey(key, trx),
          dialer: services.dialer,
          clock,
          callLeadMs: config.limits.callbackLeadSec * 1000,
        }),
        csrf: identityWeb.csrf,
        signedInAccount: identityWeb.signedInAccount,
      },
    }),
    callsPlugin({ calls: services.calls, logger }),
    recordingRoutes({ recordings: createRecordingStore(store), requireOperator: identityWeb.requireOperator }),
    ...(services.softphone ? [softphonePlugin({ db: store.db, ...services.softphone, logger })] : []),
    ...extraPlugins,
  ];
  if (services.mail.catcher) {
    // The catcher's inbox shows every mail, codes included: fine on a developer's loopback, never on a network.
    if (!isLoopbackHost(config.host)) throw new UnsafeMailCatcherError(config.host);
    await services.mail.catcher.start();
    plugins.push(mailCatcherPlugin({ store }));
  }
  const app = await buildApp({ logger, metrics, plugins });
  app.get('/', async (_req, reply) => reply.redirect('/signin'));
  await app.listen({ port: config.port, host: config.host });
  const metricsServer = await startMetricsServer({ metrics, logger, ...config.metrics }).catch(async (err: unknown) => {
    await app.close();
    throw err;
  });
  for (const job of services.recurring) await ensureRecurring(services.jobs.queue, job, clock.now());
  // Recordings cut off by a crash get a valid header again; the retention sweep is booked.
  await recoverRecordings({ store, dataDir: config.dataDir, clock });
  await scheduleRecordingRetention({ queue: services.jobs.queue, clock });
  services.jobs.worker.start();
  // Calls a previous process left open end as abandoned (their cases are retried); links that expire unused too.
  await services.calls.abandonStale({ startup: true });
  const callSweep = setInterval(() => {
    services.calls.abandonStale({ startup: false }).catch(() => logger.warn('stale call sweep failed'));
  }, 60_000);
  callSweep.unref();
  // The bound port, which differs from the configured one when that was 0 (tests).
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://localhost:${port}`;
  return {
    app,
    url,
    metricsUrl: metricsServer.url,
    async stop() {
      clearInterval(callSweep);
      services.calls.shutdown();
      await metricsServer.stop();
      await app.close();
      await services.close();
    },
  };
}
