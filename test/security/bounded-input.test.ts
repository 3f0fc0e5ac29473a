import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error';
import { dtmfCommand } from '../../src/cli/commands/dtmf';

/**
 * Issue 7, finding 10: `aizuchi dtmf detect /dev/zero` read forever. Input that never ends (a
 * device, a pipe) or is absurdly large must end in one clear error line.
 */
describe('bounded input', () => {
  it.runIf(process.platform !== 'win32')('dtmf detect /dev/zero ends with a clear error', async () => {
    const printed: string[] = [];
    const started = Date.now();
    const error = await dtmfCommand({ print: (l) => printed.push(l) })
      .parseAsync(['detect', '/dev/zero'], { from: 'user' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe('/dev/zero: larger than 64 MiB or never ends; not a WAV file to read');
    expect(printed).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
