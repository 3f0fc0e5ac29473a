import type { Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import { isLang, type Lang } from '../../domain/lang';
import { readSpelledEmail } from '../../agent/understanding/email';
import { readDigits } from '../../agent/understanding/digits';
import { boundedLines } from '../bounded-lines';
import { CliError } from '../cli-error';

/** One JSON line of turns; a recogniser's output for one call is a few KB, so 1 MiB is generous. */
const MAX_LINE_CHARS = 1024 * 1024;

export interface ParseIo {
  stdin: Readable;
  stdout: Writable;
}

type LineId = string | number | null;

/** Outcome of one input line: the parsed reading, or a per-line error that never stops the stream. */
type LineResult = Record<string, unknown>;

const FLUSH_CHARS = 64 * 1024;
const MAX_LENGTH = 64;

function parseLang(value: string): Lang {
  if (!isLang(value)) throw new CliError(`--lang must be "ja" or "en", got "${value}"`);
  return value;
}

function parseLength(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LENGTH) {
    throw new CliError(`--length must be a whole number from 1 to ${MAX_LENGTH}, got "${value}"`);
  }
  return n;
}

/** Validates one JSON line; returns the turns or an error message. */
function readLine(line: string): { id: LineId; turns?: string[]; error?: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { id: null, error: 'line is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { id: null, error: 'line must be a JSON object like {"id": "...", "turns": ["..."]}' };
  }
  const record = value as Record<string, unknown>;
  const id: LineId = typeof record.id === 'string' || typeof record.id === 'number' ? record.id : null;
  if (!('turns' in record)) return { id, error: 'missing "turns" (an array of strings)' };
  const turns = record.turns;
  if (!Array.isArray(turns) || !turns.every((t): t is string => typeof t === 'string')) {
    return { id, error: '"turns" must be an array of strings' };
  }
  return { id, turns };
}

/** Streams JSON lines in, one JSON line out per non-blank input line, writing in large buffered chunks. */
async function run(io: ParseIo, handle: (id: LineId, turns: string[]) => LineResult): Promise<void> {
  const lines = boundedLines(io.stdin, MAX_LINE_CHARS, 'standard input');
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!io.stdout.write(chunk)) await new Promise<void>((resolve) => io.stdout.once('drain', resolve));
  };
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = readLine(line);
    const result: LineResult = parsed.turns === undefined ? { id: parsed.id, error: parsed.error } : handle(parsed.id, parsed.turns);
    buffer += `${JSON.stringify(result)}\n`;
    if (buffer.length >= FLUSH_CHARS) await flush();
  }
  await flush();
}

/**
 * `aizuchi parse email|code --lang ja|en`: runs the understanding parsers over recogniser output,
 * for evaluation sets and debugging. Input and output are JSON lines; streams are injectable for tests.
 */
export function parseCommand(io: ParseIo = { stdin: process.stdin, stdout: process.stdout }): Command {
  const parse = new Command('parse').description('read spelled emails or spoken codes from JSON lines on stdin');

  parse
    .command('email')
    .description('each line {"id","turns":[...]} → {"id","email","status"}')
    .requiredOption('--lang <lang>', 'ja or en')
    .action(async (opts: { lang: string }) => {
      const lang = parseLang(opts.lang);
      await run(io, (id, turns) => {
        const reading = readSpelledEmail(turns, lang);
        return { id, email: reading.email, status: reading.status };
      });
    });

  parse
    .command('code')
    .description('each line {"id","turns":[...]} → {"id","digits","complete"} (+ "unclear" when the length cannot decide)')
    .requiredOption('--lang <lang>', 'ja or en')
    .option('--length <n>', 'expected number of digits', '8')
    .action(async (opts: { lang: string; length: string }) => {
      const lang = parseLang(opts.lang);
      const length = parseLength(opts.length);
      await run(io, (id, turns) => {
        const reading = readDigits(turns, lang, length);
        const out: LineResult = { id, digits: reading.digits, complete: reading.complete };
        if (reading.unclear !== undefined) out.unclear = reading.unclear;
        return out;
      });
    });

  return parse;
}
