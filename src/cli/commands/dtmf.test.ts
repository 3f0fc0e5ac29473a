import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDtmf } from '../../media/dtmf/generator';
import { writeWavFile } from '../../media/wav';
import { CliError } from '../cli-error';
import { dtmfCommand } from './dtmf';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aizuchi-dtmf-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await dtmfCommand({ print: (line) => lines.push(line) }).parseAsync(args, { from: 'user' });
  return lines;
}

async function failure(args: string[]): Promise<CliError> {
  const error = await run(args).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('aizuchi dtmf detect', () => {
  it('prints the digits in a generated 8 kHz WAV on one line', async () => {
    const file = join(dir, 'keys.wav');
    await writeWavFile(file, { sampleRateHz: 8000, channels: [generateDtmf('12675693')] });
    expect(await run(['detect', file])).toEqual(['12675693']);
  });

  it('handles a 48 kHz stereo recording with the caller on the left', async () => {
    const file = join(dir, 'call.wav');
    const caller = generateDtmf('*0#', { sampleRateHz: 48000 });
    await writeWavFile(file, { sampleRateHz: 48000, channels: [caller, new Int16Array(caller.length)] });
    expect(await run(['detect', file])).toEqual(['*0#']);
  });

  it('prints an empty line when there are no digits', async () => {
    const file = join(dir, 'silence.wav');
    await writeWavFile(file, { sampleRateHz: 8000, channels: [new Int16Array(8000)] });
    expect(await run(['detect', file])).toEqual(['']);
  });

  it('fails with one clear line for missing or bad files and missing arguments', async () => {
    expect((await failure(['detect', join(dir, 'none.wav')])).message).toMatch(/none\.wav: no such file/);
    const bad = join(dir, 'bad.wav');
    await writeFile(bad, 'definitely not audio');
    const error = await failure(['detect', bad]);
    expect(error.message).toMatch(/bad\.wav: not a WAV file/);
    expect(error.message).not.toContain('\n');
    expect((await failure(['detect'])).message).toMatch(/missing required argument/);
  });
});
