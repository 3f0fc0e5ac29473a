import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/cli-error';
import fs from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import { readFirstLine } from '../../src/cli/commands/accounts';
import { dtmfCommand } from '../../src/cli/commands/dtmf';
import { parseCommand } from '../../src/cli/commands/parse';

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

  // Red team round 2: the other commands that read input. `accounts create --password-stdin < /dev/zero`
  // and `aizuchi parse email < /dev/zero` grew a buffer forever (no newline ever comes).
  it.runIf(process.platform !== 'win32')('--password-stdin from /dev/zero ends with a clear error', async () => {
    const started = Date.now();
    const error = await readFirstLine(fs.createReadStream('/dev/zero')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/^standard input: a line longer than 4096 characters/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
  it('--password-stdin still reads the first line', async () => {
    expect(await readFirstLine(fs.createReadStream('/dev/null'))).toBe('');
    const input = new PassThrough();
    input.end('correct horse battery\r\nignored\n');
    expect(await readFirstLine(input)).toBe('correct horse battery');
  });
  it.runIf(process.platform !== 'win32')('parse email from /dev/zero ends with a clear error', async () => {
    const out: string[] = [];
    const stdout = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    const stdin = fs.createReadStream('/dev/zero');
    const error = await parseCommand({ stdin, stdout })
      .parseAsync(['email', '--lang', 'en'], { from: 'user' })
      .catch((e: unknown) => e);
    stdin.destroy();
    expect(error).toBeInstanceOf(CliError);
    expect(out).toEqual([]);
  });
  it('parse keeps a multi-byte character split across two reads whole', async () => {
    const out: string[] = [];
    const stdout = new Writable({ write: (c, _e, done) => (out.push(String(c)), done()) });
    const stdin = new PassThrough();
    const bytes = Buffer.from('{"id":1,"turns":["エム"]}\n');
    stdin.write(bytes.subarray(0, 19));
    stdin.end(bytes.subarray(19));
    await parseCommand({ stdin, stdout }).parseAsync(['email', '--lang', 'ja'], { from: 'user' });
    expect(out.join('')).not.toContain('line is not valid JSON');
  });
});
