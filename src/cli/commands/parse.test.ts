import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CliError } from '../cli-error';
import { parseCommand } from './parse';

async function runParse(args: string[], input: string): Promise<unknown[]> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const cmd = parseCommand({ stdin: Readable.from([input]), stdout });
  cmd.exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  return Buffer.concat(chunks)
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

describe('aizuchi parse email', () => {
  it('reads the story turns as one address per line', async () => {
    const input = [
      JSON.stringify({ id: 'story', turns: ['えーっと、エム、エー、ティ、ティ、ワイ', 'アットマーク、ジーメールドットコムです'] }),
      JSON.stringify({ id: 'half', turns: ['エム、エー'] }),
      JSON.stringify({ id: 'co', turns: ['エス、アットマーク、アイズチテック'] }),
    ].join('\n');
    expect(await runParse(['email', '--lang', 'ja'], input)).toEqual([
      { id: 'story', email: 'matty@gmail.com', status: 'complete' },
      { id: 'half', email: null, status: 'incomplete' },
      { id: 'co', email: null, status: 'spell_domain' },
    ]);
  });

  it('answers bad lines with an error line and carries on', async () => {
    const input = ['not json', '{"id":"x"}', '{"id":7,"turns":[1]}', '[1]', '', '{"id":"ok","turns":["m a t t y at gmail dot com"]}'].join(
      '\n',
    );
    const out = await runParse(['email', '--lang', 'en'], input);
    expect(out).toEqual([
      { id: null, error: 'line is not valid JSON' },
      { id: 'x', error: 'missing "turns" (an array of strings)' },
      { id: 7, error: '"turns" must be an array of strings' },
      { id: null, error: 'line must be a JSON object like {"id": "...", "turns": ["..."]}' },
      { id: 'ok', email: 'matty@gmail.com', status: 'complete' },
    ]);
  });

  it('rejects an unknown --lang with a CliError', async () => {
    await expect(runParse(['email', '--lang', 'fr'], '')).rejects.toBeInstanceOf(CliError);
  });
});

describe('aizuchi parse code', () => {
  it('joins chunks and checks the length', async () => {
    const input = [
      JSON.stringify({ id: 'a', turns: ['えーっと、1,2,6,7', '5,6,9,3です'] }),
      JSON.stringify({ id: 'b', turns: ['1267'] }),
    ].join('\n');
    expect(await runParse(['code', '--lang', 'ja'], input)).toEqual([
      { id: 'a', digits: '12675693', complete: true },
      { id: 'b', digits: '1267', complete: false },
    ]);
  });

  it('reflects the issue 9 fixes: corrections, content-free turns, formatted numbers, letter words', async () => {
    const fix = JSON.stringify({ id: 'fix', turns: ['さんろくきゅうご', 'ごななななに', '違います、いち'] });
    expect(await runParse(['code', '--lang', 'ja'], fix)).toEqual([{ id: 'fix', digits: '36955771', complete: true }]);
    const codes = [
      JSON.stringify({ id: 'clock', turns: ['one two three four 5:06 seven eight'] }),
      JSON.stringify({ id: 'unclear', turns: ['one two three 5:06'] }),
    ].join('\n');
    expect(await runParse(['code', '--lang', 'en'], codes)).toEqual([
      { id: 'clock', digits: '12345678', complete: true },
      { id: 'unclear', digits: '123506', complete: false, unclear: '5:06' },
    ]);
    const emails = [
      JSON.stringify({ id: 'you', turns: ['m a t', 'you', 't y', 'at gmail dot com'] }),
      JSON.stringify({ id: 'aol', turns: ['m a t t y at aol'] }),
    ].join('\n');
    expect(await runParse(['email', '--lang', 'en'], emails)).toEqual([
      { id: 'you', email: 'matty@gmail.com', status: 'complete' },
      { id: 'aol', email: 'matty@aol.com', status: 'complete' },
    ]);
    const ja = JSON.stringify({ id: 'kanji', turns: ['エム、愛、ケー、イー', 'アットマーク', 'ヤフードットシーオードットジェーピー'] });
    expect(await runParse(['email', '--lang', 'ja'], ja)).toEqual([{ id: 'kanji', email: 'mike@yahoo.co.jp', status: 'complete' }]);
  });

  it('honours --length', async () => {
    const input = JSON.stringify({ id: 'c', turns: ['one two three four five six'] });
    expect(await runParse(['code', '--lang', 'en', '--length', '6'], input)).toEqual([{ id: 'c', digits: '123456', complete: true }]);
  });

  it('rejects a bad --length and --lang', async () => {
    await expect(runParse(['code', '--lang', 'ja', '--length', 'eight'], '')).rejects.toBeInstanceOf(CliError);
    await expect(runParse(['code', '--lang', 'de'], '')).rejects.toBeInstanceOf(CliError);
  });

  it('streams many lines', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ id: String(i), turns: ['いちにーろくなな', 'ごーろくきゅうさん'] }),
    );
    const out = (await runParse(['code', '--lang', 'ja'], lines.join('\n'))) as Array<{ id: string; digits: string }>;
    expect(out).toHaveLength(5000);
    expect(out[4999]).toEqual({ id: '4999', digits: '12675693', complete: true });
  });
});
