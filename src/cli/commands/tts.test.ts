import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseWav } from '../../media/wav';
import { CliError } from '../cli-error';
import { ttsCommand } from './tts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aizuchi-tts-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<string[]> {
  const lines: string[] = [];
  await ttsCommand({ print: (line) => lines.push(line) }).parseAsync(args, { from: 'user' });
  return lines;
}

async function failure(args: string[]): Promise<CliError> {
  const error = await run(args).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

function peak(samples: Int16Array): number {
  let max = 0;
  for (const s of samples) max = Math.max(max, Math.abs(s));
  return max;
}

describe('aizuchi tts', () => {
  it('writes Japanese speech from open_jtalk as a 48 kHz PCM16 mono WAV', async () => {
    const out = join(dir, 'ja.wav');
    const lines = await run(['--lang', 'ja', 'お電話ありがとうございます。', '-o', out]);
    const wav = parseWav(await readFile(out));
    expect(wav.sampleRateHz).toBe(48_000);
    expect(wav.channels).toHaveLength(1);
    expect(peak(wav.channels[0] ?? new Int16Array(0))).toBeGreaterThan(1000);
    expect(lines[0]).toMatch(/^wrote .*ja\.wav: \d+\.\d\d s, 48000 Hz mono \(openjtalk\)$/u);
  });

  it('writes English speech from espeak-ng at 22 050 Hz', async () => {
    const out = join(dir, 'en.wav');
    await run(['--lang', 'en', 'Thank you for calling.', '--output', out]);
    expect(parseWav(await readFile(out)).sampleRateHz).toBe(22_050);
  });

  it('honours --engine', async () => {
    const out = join(dir, 'espeak-ja.wav');
    await run(['--lang', 'ja', '--engine', 'espeak', 'こんにちは', '-o', out]);
    expect(parseWav(await readFile(out)).sampleRateHz).toBe(22_050);
  });

  it('reads digits one at a time with --say-as digits', async () => {
    const plain = join(dir, 'plain.wav');
    const spelled = join(dir, 'spelled.wav');
    await run(['--lang', 'ja', '1111', '-o', plain]);
    await run(['--lang', 'ja', '--say-as', 'digits', '1111', '-o', spelled]);
    const a = parseWav(await readFile(plain)).channels[0]?.length ?? 0;
    const b = parseWav(await readFile(spelled)).channels[0]?.length ?? 0;
    expect(b).toBeGreaterThan(a);
  });

  it('rejects bad arguments with one clear line and writes nothing', async () => {
    const out = join(dir, 'x.wav');
    expect((await failure(['--lang', 'fr', 'bonjour', '-o', out])).message).toBe('--lang must be "ja" or "en", got "fr"');
    expect((await failure(['hello', '-o', out])).message).toBe('--lang must be "ja" or "en", got nothing');
    expect((await failure(['--lang', 'en', 'hello'])).message).toBe('-o/--output <file.wav> is required');
    expect((await failure(['--lang', 'en', '  ', '-o', out])).message).toMatch(/nothing to say/u);
    expect((await failure(['--lang', 'en', 'hi', '-o', out, '--rate', 'fast'])).message).toMatch(/--rate/u);
    expect((await failure(['--lang', 'en', 'hi', '-o', out, '--engine', 'polly'])).message).toMatch(/--engine/u);
    expect((await failure(['--lang', 'en', 'hi', '-o', out, '--say-as', 'poem'])).message).toMatch(/--say-as/u);
    expect((await failure(['--lang', 'en', '12a', '-o', out, '--say-as', 'digits'])).message).toMatch(/digits/u);
    expect((await failure(['--lang', 'en', 'hi', '-o', out, '--bogus'])).message).toMatch(/unknown option/u);
    await expect(stat(out)).rejects.toThrow();
  });

  it('reports an unwritable output path as a CLI error', async () => {
    const error = await failure(['--lang', 'en', 'hello', '-o', join(dir, 'missing', 'x.wav')]);
    expect(error.message).toMatch(/^cannot write .*x\.wav \(ENOENT\)$/u);
  });

  it('reports a missing voice as a CLI error', async () => {
    const error = await failure(['--lang', 'ja', 'はい', '-o', join(dir, 'x.wav'), '--voice', '/nonexistent/v.htsvoice']);
    expect(error.message).toBe('tts failed: open_jtalk voice not found: /nonexistent/v.htsvoice');
    const en = await failure(['--lang', 'en', 'hi', '-o', join(dir, 'x.wav'), '--voice', 'xx-nope']);
    expect(en.message).toBe('tts failed: espeak-ng voice not found: xx-nope');
  });
});
