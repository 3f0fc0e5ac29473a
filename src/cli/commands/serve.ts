import { Command } from 'commander';
import { demoBannerLines, writeDemoCredentials } from '../../demo/credentials';
import { seedDemo } from '../../demo/seed';
import { parseRoles } from '../../config';
import { MailCatcherError } from '../../mail/mail-catcher';
import { MetricsServerError } from '../../web/metrics-server';
import { type RunningServer, type Services, startServer } from '../../main';
import { CliError } from '../cli-error';
import { exitAfterDrain } from '../exit';
import { policyBannerLine } from './policy-banner';

/** A port already taken (usually a second `serve`) becomes one line that says what to change. */
function portInUse(err: unknown, services: Services): CliError | null {
  const { config } = services;
  if (err instanceof MailCatcherError && err.message.includes('EADDRINUSE')) {
    return new CliError(
      `mail catcher port ${config.mail.catcherPort} is already in use (is aizuchi already running?); set AIZUCHI_MAIL_CATCHER_PORT to another port`,
      1,
    );
  }
  if (err instanceof MetricsServerError && err.code === 'EADDRINUSE') {
    return new CliError(
      `metrics port ${err.port} on ${config.metrics.host} is already in use (is aizuchi already running?); set AIZUCHI_METRICS_PORT to another port`,
      1,
    );
  }
  if (err instanceof MetricsServerError) return new CliError(err.message, 1);
  if ((err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE') {
    return new CliError(
      `port ${config.port} on ${config.host} is already in use (is aizuchi already running?); set PORT to another port`,
      1,
    );
  }
  return null;
}

/** `aizuchi serve` — the web app, the mail catcher and the job worker in one process. */
export function serveCommand(ctx: { services(mode: 'server'): Promise<Services> }): Command {
  return new Command('serve')
    .description('start the server (web, mail catcher, jobs)')
    .option('--show-demo-secrets', 'also print the demo passwords and authenticator URIs (or AIZUCHI_DEMO_SHOW_SECRETS=true)')
    .option('--roles <list>', 'what this process runs: web, worker, media (comma-separated) or all (or AIZUCHI_ROLES; default all)')
    .action(async (opts: { showDemoSecrets?: boolean; roles?: string }) => {
      const services = await ctx.services('server');
      const { config, logger } = services;
      const roles = opts.roles === undefined ? config.roles : parseRoles(opts.roles);
      const seeded = config.demo ? await seedDemo(services.identity, services.operatorRoles) : null;
      let server: RunningServer;
      try {
        server = await startServer(services, [], roles);
      } catch (err) {
        throw portInUse(err, services) ?? err;
      }

      const roleNames = (Object.keys(roles) as Array<keyof typeof roles>).filter((r) => roles[r]).join(', ');
      const webLines = [
        `aizuchi is running at ${server.url}`,
        `  sign in:           ${server.url}/signin`,
        `  request a callback: ${server.url}/recover`,
        `  operator console:  ${server.url}/console`,
        services.mail.catcher
          ? `  mail inbox:        ${server.url}/dev/mail  (SMTP catcher on 127.0.0.1:${services.mail.catcher.port})`
          : `  mail relay:        configured by AIZUCHI_SMTP_URL`,
        `  health:            ${server.url}/healthz  (readiness: /readyz)`,
      ];
      const lines = [
        ...(roles.web ? webLines : [`aizuchi is running without a web listener`]),
        `  roles:             ${roleNames} (AIZUCHI_ROLES or --roles)`,
        `  metrics:           ${server.metricsUrl}${config.metrics.token ? '  (bearer token required)' : ''}`,
        `  data:              ${config.dataDir}`,
        // Which proofs a reset needs, so a demo under `mailbox` is never mistaken for `standard`.
        policyBannerLine(services.settings.policy(), services.settings.current().version),
      ];
      if (seeded) {
        // Secrets go to an owner-only file; the banner (often in shared terminals and CI logs) names its path.
        lines.push(
          ...demoBannerLines(writeDemoCredentials(config.dataDir, seeded), opts.showDemoSecrets === true || config.demoShowSecrets),
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal, drainSec: config.drainSec }, 'shutting down: draining calls and jobs');
        try {
          const ended = await server.shutdown(config.drainSec * 1000);
          logger.info(ended, 'shut down');
        } catch (err) {
          logger.error({ err }, 'shutdown failed');
          await exitAfterDrain(1);
        }
        await exitAfterDrain(0);
      };
      process.on('SIGINT', () => void stop('SIGINT'));
      process.on('SIGTERM', () => void stop('SIGTERM'));
    });
}
