import { Command, CommanderError } from 'commander';
import type { Services } from '../main';
import { AizuchiError } from '../domain/errors';
import { CliError } from './cli-error';
import { CLI_COMMANDS } from './command-table';
import { exitAfterDrain } from './exit';

/** The command `argv` names (`aizuchi help X` names X), or undefined for `aizuchi --help` and the like. */
function requestedCommand(argv: string[]): string | undefined {
  const [first, second] = argv.slice(2);
  return first === 'help' ? second : first;
}

/**
 * The `aizuchi` command. Only the command named on the command line is loaded (cli/command-table.ts);
 * services are built lazily, only for commands that need them, and closed when the command ends
 * (except `serve`, which keeps them open).
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
        const [{ loadConfig }, { createServices }, { createLogger }] = await Promise.all([
          import('../config'),
          import('../main'),
          import('../observability/logger'),
        ]);
        const config = loadConfig();
        const logger =
          mode === 'server' ? undefined : createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr as never);
        return createServices(config, { logger });
      })();
      return services;
    },
  };

  const program = new Command('aizuchi')
    .description('AI contact center for account recovery — Japanese first, English too')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const wanted = requestedCommand(argv);
  for (const entry of CLI_COMMANDS) {
    program.addCommand(entry.name === wanted ? await entry.load(ctx) : new Command(entry.name).description(entry.description));
  }
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
    if (err instanceof AizuchiError && err.code === 'config') {
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
