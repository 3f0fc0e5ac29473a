import type { Command } from 'commander';
import { AizuchiError } from '../domain/errors';
import type { Services } from '../main';
import { CliError } from './cli-error';

/** What a command needs from the CLI: the services, built once on first use (see cli/main.ts). */
export interface CliContext {
  services(mode?: 'command' | 'server'): Promise<Services>;
}

export interface CliCommandEntry {
  readonly name: string;
  /** Shown by `aizuchi --help` without loading the command; must equal the command's own. */
  readonly description: string;
  /** Imports the command's module (and only then its dependencies) and builds it. */
  load(ctx: CliContext): Promise<Command>;
}

/**
 * Every `aizuchi` command, loaded on demand: `aizuchi --help` and `aizuchi hours next` start in a
 * fraction of the time it takes to load the server, carriers and speech engines (issue 11: < 300 ms).
 * Only the command named on the command line is imported; the others appear in the help by name
 * and description. Order is the help's order.
 */
export const CLI_COMMANDS: readonly CliCommandEntry[] = [
  {
    name: 'serve',
    description: 'start the server (web, mail catcher, jobs)',
    load: async (ctx) => (await import('./commands/serve')).serveCommand({ services: (mode) => ctx.services(mode) }),
  },
  {
    name: 'accounts',
    description: 'accounts of the embedded identity provider',
    load: async (ctx) => (await import('./commands/accounts')).accountsCommand(ctx),
  },
  {
    name: 'operators',
    description: "local operators' console roles",
    load: async (ctx) => (await import('./commands/operators')).operatorsCommand(ctx),
  },
  {
    name: 'cases',
    description: 'list and inspect recovery cases',
    load: async (ctx) => {
      const [{ casesCommand }, { callNowCommand }, { maskPhone }] = await Promise.all([
        import('./commands/cases'),
        import('./commands/call-now'),
        import('../domain/phone'),
      ]);
      return casesCommand({ services: async () => ({ cases: (await ctx.services()).cases, maskPhone }) }, [
        callNowCommand({ services: () => callNowServices(ctx) }),
      ]);
    },
  },
  {
    name: 'chat',
    description: 'call a scheduled case now over the text channel and chat with the agent (needs the server running)',
    load: async (ctx) => (await import('./commands/chat')).chatCommand({ services: () => callNowServices(ctx) }),
  },
  {
    name: 'hours',
    description: 'business hours',
    load: async () => (await import('./commands/hours')).hoursCommand({ services: hoursInForce }),
  },
  {
    name: 'audit',
    description: 'the tamper-evident case history',
    load: async (ctx) => (await import('./commands/audit')).auditCommand(ctx),
  },
  {
    name: 'parse',
    description: 'read spelled emails or spoken codes from JSON lines on stdin',
    load: async () => (await import('./commands/parse')).parseCommand(),
  },
  { name: 'dtmf', description: 'DTMF (touch-tone) tools', load: async () => (await import('./commands/dtmf')).dtmfCommand() },
  {
    name: 'tts',
    description: 'synthesize speech into a PCM16 mono WAV file (at the engine’s native rate)',
    load: async () => (await import('./commands/tts')).ttsCommand(),
  },
];

/** The console's call-now action with the CLI as the actor (built only when a command runs it). */
async function callNowServices(ctx: CliContext) {
  const [{ createCliCallNow }, s] = await Promise.all([import('./commands/call-now'), ctx.services()]);
  return { callNow: createCliCallNow({ ...s, callLeadMs: s.config.limits.callbackLeadSec * 1000 }) };
}

/**
 * The business hours `aizuchi hours` reports: the ones in force, an admin's saved settings over the
 * environment's (src/settings/settings-in-force.ts), read without zod, migrations, keys or carriers
 * so the command starts in < 300 ms (issue 11). Why the environment's hours apply despite a
 * configured database goes to stderr; stdout stays the answer alone.
 */
async function hoursInForce() {
  const [{ loadBaseConfig }, { readSettingsInForce }, { settingsFromEnv }] = await Promise.all([
    import('../config/base'),
    import('../settings/settings-in-force'),
    import('../settings/saved-settings'),
  ]);
  const config = loadBaseConfig();
  const inForce = await readSettingsInForce({
    databaseUrl: config.databaseUrl,
    timeZone: config.calendar.timeZone,
    defaults: settingsFromEnv(config),
  }).catch((err: unknown) => {
    if (err instanceof AizuchiError) throw err;
    // The driver's own words (never the URL, which may hold a password).
    throw new CliError(
      `could not read the business settings saved in the database: ${err instanceof Error ? err.message : String(err)}`,
      1,
    );
  });
  if (inForce.note) process.stderr.write(`aizuchi: ${inForce.note}\n`);
  return { calendar: inForce.calendar };
}
