import { describe, expect, it } from 'vitest';
import { CLI_COMMANDS, type CliContext } from './command-table';

describe('CLI_COMMANDS (commands loaded on demand)', () => {
  const ctx: CliContext = {
    services: () => Promise.reject(new Error('building a command must not build the services')),
  };

  it('lists each command once, under its own name and description, so the help without loading it is true', async () => {
    expect(new Set(CLI_COMMANDS.map((c) => c.name)).size).toBe(CLI_COMMANDS.length);
    for (const entry of CLI_COMMANDS) {
      const cmd = await entry.load(ctx);
      expect(cmd.name()).toBe(entry.name);
      expect(cmd.description()).toBe(entry.description);
    }
  }, 60_000);
});
