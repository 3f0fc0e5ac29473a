import os from 'node:os';
import { createDeskPresence } from './calls/live/desk-presence';
import { CaseService } from './cases/case-service';
import { composeCalls } from './compose/calls';
import { createJobSystem, registerJobs } from './compose/jobs';
import { composeIdentityProvider } from './compose/identity';
import { composeMail } from './compose/mail';
import { composeRecovery, composeRecoveryUndo } from './compose/recovery';
import type { ServiceOptions, Services } from './compose/services-types';
import { composeSettings } from './compose/settings';
import type { Config } from './config';
import { systemClock } from './domain/clock';
import { createIdentityService, keyOpensSealedSecrets } from './identity/service';
import { createLogger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { loadCheckedMasterKey } from './security/key-check';
import { deriveKeys } from './security/keys';
import { RateLimiter } from './security/rate-limiter';
import { openStore } from './store/connect';
import { migrateToLatest } from './store/migrate';
import { openPubSub } from './store/pubsub';

// The composition root: configuration → adapters → services. Each area's wiring sits in src/compose/ (one file per area);
// serving (listen, start-up tasks, stop) is src/server.ts, signals are the CLI's (cli/commands/serve.ts). Nothing else reads the environment.
export type { ServiceOptions, Services } from './compose/services-types';
export { type RunningServer, startServer } from './server';
export { UnsafeMailCatcherError } from './web/host-policy';

/**
 * Builds every service from `config`: opens and migrates the store, derives keys from the master key in `config.dataDir`
 * (created on first use; refused when this database's other processes hold another), registers every job handler. Starts
 * nothing that listens or polls (the server does), so CLI commands can use it too. Close with `services.close()`.
 */
export async function createServices(config: Config, opts: ServiceOptions = {}): Promise<Services> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics();
  const store = openStore(config.databaseUrl);
  await migrateToLatest(store);
  const keys = deriveKeys(await loadCheckedMasterKey(store, config.dataDir, clock.now(), keyOpensSealedSecrets(store)));
  const pubsub = openPubSub(store, config.databaseUrl, logger, keys.pubsub);
  const { settings, operatorRoles } = await composeSettings({ config, store, pubsub, clock, logger });
  const calendar = settings.calendar;
  const identity = createIdentityService({
    store,
    keys,
    clock,
    logger,
    limits: { loginFailuresPer15Min: config.limits.loginFailuresPer15Min },
    issuer: config.companyName,
  });
  const accounts = composeIdentityProvider({ config, clock, logger, embedded: identity });
  const cases = new CaseService(store, clock);
  const jobs = await createJobSystem(config, { store, clock, logger, workerId: `${os.hostname()}:${process.pid}`, key: keys.jobs });
  const mail = composeMail(config, { store, logger, clock });
  const limiter = new RateLimiter(store, clock);
  const withSoftphone = opts.withSoftphone !== false;
  // The request mail links the softphone page only when it is what rings; with a carrier the phone does (issue 8).
  const mailsSoftphoneLink = withSoftphone && config.telephony.dialer === 'softphone';
  const recovery = composeRecovery(config, {
    cases,
    identity,
    accounts,
    limiter,
    calendar,
    queue: jobs.queue,
    keys,
    clock,
    withSoftphone: mailsSoftphoneLink,
  });
  const undo = composeRecoveryUndo(config, { cases, accounts, queue: jobs.queue, keys, clock, logger });
  const callsWiring = {
    store,
    policy: settings.policy,
    cases,
    identity: accounts,
    calendar,
    clock,
    keys,
    jobs,
    limiter,
    logger,
    pubsub,
    withSoftphone,
    dialer: opts.dialer,
    carrier: opts.carrier,
    carrierLine: opts.carrierLine,
  };
  const { calls, live, desk, taps, softphone, telephony, audioSocket, dialer, closeVoice } = composeCalls(config, callsWiring);
  const deskPresence = createDeskPresence({ desk, pubsub, processId: `${os.hostname()}:${process.pid}:${crypto.randomUUID()}` });
  telephony?.registerJobs();
  const recurring = registerJobs(config, {
    jobs,
    store,
    cases,
    calendar,
    calls,
    dialer,
    sender: mail.sender,
    limiter,
    clock,
    logger,
    metrics,
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
    settings,
    operatorRoles,
    identity,
    accounts,
    cases,
    recovery,
    undo,
    jobs,
    mail,
    calls,
    live,
    desk,
    taps,
    deskPresence,
    softphone,
    telephony,
    audioSocket,
    dialer,
    recurring,
    pubsub,
    async close() {
      if (closed) return;
      closed = true;
      await jobs.worker.stop({ abortAfterMs: 5000 });
      await closeVoice();
      await mail.catcher?.stop();
      await settings.stop();
      await pubsub.close();
      await store.close();
    },
  };
}
