import { Command, CommanderError } from 'commander';
import { ConfigError, loadConfig } from '../config';
import { type Services, createServices } from '../main';
import { CliError } from './cli-error';
import { exitAfterDrain } from './exit';
import { accountsCommand } from './commands/accounts';
import { auditCommand } from './commands/audit';
import { callNowCommand, createCliCallNow } from './commands/call-now';
import { casesCommand } from './commands/cases';
import { chatCommand } from './commands/chat';
import { dtmfCommand } from './commands/dtmf';
import { hoursCommand } from './commands/hours';
import { parseCommand } from './commands/parse';
import { serveCommand } from './commands/serve';
import { ttsCommand } from './commands/tts';
import { maskPhone } from '../domain/phone';
import { createLogger } from '../observability/logger';

/**
 * The `aizuchi` command. Services are built lazily, only for commands that need them, and closed
 * when the command ends (except `serve`, which keeps them open).
 */
async function main(argv: string[]): Promise<number> {
  let services: Promise<Services> | undefined;
  let keepOpen = false;
  const ctx = {
    /**
     * Builds the services once. `server` (from `serve`) keeps them open and logs at the configured
     * level to stdout; other commands log warnings only, to stderr, so their stdout stays
     * machine-readable. The mode is an argument of this call, not a flag set afterwards: a flag set
     * after the logger was made left `serve` at warn (issue 7, finding 8).
     */
    services(mode: 'command' | 'server' = 'command'): Promise<Services> {
      if (mode === 'server') keepOpen = true;
      services ??= (async () => {
        const config = loadConfig();
        const logger =
          mode === 'server' ? undefined : createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr as never);
        return createServices(config, { logger });
      })();
      return services;
    },
  };

  // The console's call-now action with the CLI as the actor (built only when a command runs it).
  const callNow = async () => {
    const s = await ctx.services();
    return { callNow: createCliCallNow({ ...s, callLeadMs: s.config.limits.callbackLeadSec * 1000 }) };
  };

  const program = new Command('aizuchi')
    .description('AI contact center for account recovery — Japanese first, English too')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.addCommand(serveCommand(ctx));
  program.addCommand(accountsCommand(ctx));
  program.addCommand(
    casesCommand({ services: async () => ({ cases: (await ctx.services()).cases, maskPhone }) }, [callNowCommand({ services: callNow })]),
  );
  program.addCommand(chatCommand({ services: callNow }));
  program.addCommand(hoursCommand({ services: async () => ({ calendar: (await ctx.services()).calendar }) }));
  program.addCommand(auditCommand(ctx));
  program.addCommand(parseCommand());
  program.addCommand(dtmfCommand());
  program.addCommand(ttsCommand());
  for (const cmd of program.commands) cmd.exitOverride();

  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2; // commander already printed its one line
    if (err instanceof CliError) {
      process.stderr.write(`aizuchi: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`aizuchi: configuration: ${err.message}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`aizuchi: ${message}\n`);
    return 1;
  } finally {
    if (services && !keepOpen) await (await services.catch(() => null))?.close();
  }
}

const code = await main(process.argv);
// `serve` keeps running (it registered its signal handlers); every other command ends here, after
// its output drained.
if (code !== 0 || !process.listenerCount('SIGTERM')) await exitAfterDrain(code);
