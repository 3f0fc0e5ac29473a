import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { sql } from 'kysely';
import { recoverRecordings } from './calls/recording/recover-recordings';
import { scheduleRecordingRetention } from './calls/recording/retention-job';
import type { Services } from './compose/services-types';
import type { ServerRoles } from './config';
import { areaPlugins } from './compose/web';
import { policyPreset, unreachableProofs } from './domain/policy';
import { ensureRecurring } from './jobs/recurring';
import { startMetricsServer } from './web/metrics-server';
import { sharedCheck } from './web/shared-check';
import { buildApp } from './web/app';
import { assertHostPolicy } from './web/host-policy';

export interface RunningServer {
  app: FastifyInstance;
  /** http://localhost:<bound port>; '' when this process has no web role (nothing listens). */
  url: string;
  /** Prometheus scrapes here: its own listener (loopback by default), never the public app. */
  metricsUrl: string;
  /** Ends open calls' lines, closes the HTTP server, then every service (idempotent via Services.close). */
  stop(): Promise<void>;
  /**
   * Graceful shutdown (SIGTERM): from now on /readyz answers 503 and new call streams are refused
   * (503 `draining`); the job worker stops claiming and finishes the jobs in hand; calls in
   * progress may end on their own for up to `drainMs`, then the rest end `abandoned` (recorded,
   * their cases retried); then stop(). Resolves with how the calls ended.
   */
  shutdown(drainMs: number): Promise<{ finished: number; abandoned: number }>;
}

/** How long /readyz waits for the database before calling it unreachable. */
const DB_PING_TIMEOUT_MS = 2000;

/**
 * Serving, not composition: checks the host policy, starts the mail catcher, listens (the app and
 * the metrics listener), queues the recurring jobs and the retention sweep, starts the job worker
 * and abandons calls a previous process left open — each part only under its role (`roles`, by
 * default AIZUCHI_ROLES): web listens (app, mail catcher), worker runs jobs, media starts the call
 * listeners. Signals are the caller's business (cli/commands/serve.ts).
 * Throws UnsafeMailCatcherError (non-loopback HOST with the catcher), MailCatcherError or the
 * listen error (EADDRINUSE) before anything is served.
 */
export async function startServer(
  services: Services,
  extraPlugins: FastifyPluginAsync[] = [],
  roles: ServerRoles = services.config.roles,
): Promise<RunningServer> {
  const { config, logger, metrics, clock, store, jobs, calls } = services;
  assertHostPolicy({ host: config.host, servesMailCatcher: roles.web && services.mail.catcher !== null });
  if (roles.web) await services.mail.catcher?.start();
  let draining = false;
  // One database ping a second at most, however many probes ask (the route is open to anyone).
  const readiness = { draining: () => draining, checkDatabase: sharedCheck(() => pingDatabase(services), 1000) };
  const app = await buildApp({ logger, metrics, readiness, clock, plugins: [...areaPlugins(services), ...extraPlugins] });
  if (roles.web) await app.listen({ port: config.port, host: config.host });
  // Operators' console softphones connect to web processes: those say how many are free.
  if (roles.web) await services.deskPresence.start();
  const metricsServer = await startMetricsServer({ metrics, logger, ...config.metrics }).catch(async (err: unknown) => {
    await app.close();
    throw err;
  });
  if (roles.media)
    await services.audioSocket?.start().catch(async (err: unknown) => {
      await metricsServer.stop();
      await app.close();
      throw err;
    });
  // Said once at boot rather than discovered case by case: e.g. `standard` with only the softphone.
  // The policy in force: one an admin saved in /console/settings overrides AIZUCHI_POLICY (the banner's too).
  const policy = services.settings.policy();
  const unreachable = unreachableProofs(policyPreset(policy).requiredProofs, {
    phonePossession: services.dialer.provesPhonePossession,
  });
  if (unreachable.length > 0) {
    logger.warn(
      {
        policy,
        policySource: services.settings.current().version > 0 ? 'console_settings' : 'AIZUCHI_POLICY',
        unreachableProofs: unreachable,
      },
      'no configured dialer can give a proof the recovery policy needs: every case will go to a person',
    );
  }
  // Other processes' saves of the admin settings (NOTIFY on PostgreSQL, and a re-read every few seconds).
  await services.settings.start();
  // Recordings cut off by a crash get a valid header again.
  await recoverRecordings({ store, dataDir: config.dataDir, clock });
  if (roles.worker) {
    for (const job of services.recurring) await ensureRecurring(jobs.queue, job, clock.now());
    await scheduleRecordingRetention({ queue: jobs.queue, clock });
    jobs.worker.start();
  }
  // This process owns the calls it connects from now on (heartbeat in `processes`). Calls whose owner
  // is gone (killed past the lease, or stopped) end abandoned and are retried; calls of live processes
  // are left alone. Later sweeps run as the recurring stale-call job (calls/stale-call-sweep.ts).
  await calls.owners.start();
  await calls.abandonStale();
  // The bound port, which differs from the configured one when that was 0 (tests).
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      calls.shutdown();
      await calls.owners.stop();
      await services.audioSocket?.close();
      await metricsServer.stop();
      await app.close();
      await services.deskPresence.stop();
      await services.close();
    })());
  return {
    app,
    url: roles.web ? `http://localhost:${port}` : '',
    metricsUrl: metricsServer.url,
    stop,
    async shutdown(drainMs) {
      draining = true;
      // Both at once: a job in hand may be waiting on a call, and calls go on while jobs finish.
      const [, ended] = await Promise.all([jobs.worker.stop({ abortAfterMs: drainMs }), calls.drain(drainMs)]);
      await stop();
      return ended;
    },
  };
}

/** Resolves when the database answers `SELECT 1` within DB_PING_TIMEOUT_MS; rejects otherwise. */
async function pingDatabase(services: Services): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database ping timed out')), DB_PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([sql`select 1`.execute(services.store.db), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
