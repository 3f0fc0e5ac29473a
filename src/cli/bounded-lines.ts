import { StringDecoder } from 'node:string_decoder';
import { CliError } from './cli-error';

/**
 * Lines of a text stream, each at most `maxLineChars` characters (issue 7, finding 10: input that never
 * ends, like /dev/zero or a pipe without newlines, must end in one clear error instead of growing a
 * buffer until memory runs out). Yields lines without their `\n` / `\r\n`; a last line without a
 * newline is yielded too. Throws CliError naming `what` when a line is longer than the limit.
 */
export async function* boundedLines(input: AsyncIterable<unknown>, maxLineChars: number, what: string): AsyncGenerator<string> {
  let pending = '';
  // Bytes are decoded across chunk boundaries, so a kana split between two reads stays whole.
  const decoder = new StringDecoder('utf8');
  for await (const chunk of input) {
    pending += Buffer.isBuffer(chunk) ? decoder.write(chunk) : String(chunk);
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      if (line.length > maxLineChars) throw tooLong(what, maxLineChars);
      yield line;
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
    if (pending.length > maxLineChars) throw tooLong(what, maxLineChars);
  }
  pending += decoder.end();
  if (pending !== '') yield pending.replace(/\r$/, '');
}

function tooLong(what: string, maxLineChars: number): CliError {
  return new CliError(`${what}: a line longer than ${maxLineChars} characters or input without line breaks; not what was expected`);
}
