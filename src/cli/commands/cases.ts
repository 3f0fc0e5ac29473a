import { Command, Option } from 'commander';
import type { CaseRow, CaseService } from '../../cases/case-service';
import { CASE_STATES, isCaseState } from '../../domain/cases/case-state';
import { CliError } from '../cli-error';

export interface CasesCommandDeps {
  cases: CaseService;
  maskPhone(e164: string): string;
}

/** `cases list` page sizes: the default, and the most one page may hold. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/** The opaque `--cursor`: base64url JSON of the last listed case's sort key. */
function encodeCursor(key: { createdAt: string; id: string }): string {
  return Buffer.from(JSON.stringify({ c: key.createdAt, i: key.id })).toString('base64url');
}

/** Reads a cursor printed by a previous page; anything else is a usage error (exit 2). */
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { c?: unknown; i?: unknown };
    if (typeof key.c === 'string' && typeof key.i === 'string') return { createdAt: key.c, id: key.i };
  } catch {
    // falls through to the one-line error
  }
  throw new CliError('--cursor is not one printed by `cases list` (nextCursor)');
}

function caseJson(row: CaseRow, maskPhone: (p: string) => string) {
  return {
    id: row.id,
    state: row.state,
    email: row.email,
    phone: maskPhone(row.phone_e164),
    phoneOnRecord: row.phone_on_record === 1,
    lang: row.lang,
    assurance: row.assurance,
    scheduledAt: row.scheduled_at,
    outcome: row.outcome,
    callAttempts: row.call_attempts,
    consentAt: row.consent_at,
    consentVersion: row.consent_version,
    recordingConsent: row.recording_consent === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `aizuchi cases …` — read cases and their history from the database. */
export function casesCommand(ctx: { services(): Promise<CasesCommandDeps> }, extra: Command[] = []): Command {
  const cmd = new Command('cases').description('list and inspect recovery cases');

  cmd
    .command('list')
    .description('list cases, newest first, one page at a time')
    .addOption(new Option('--state <state>', 'only cases in this state').choices([...CASE_STATES]))
    .option('--email <email>', 'only cases for this email')
    .option('--limit <n>', `at most this many (1-${MAX_PAGE})`, String(DEFAULT_PAGE))
    .option('--cursor <cursor>', 'continue after the page that printed this nextCursor')
    .option('--json', 'print JSON: {"items":[…],"nextCursor":"…"|null}')
    .action(async (opts: { state?: string; email?: string; limit: string; cursor?: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new CliError(`--limit must be an integer from 1 to ${MAX_PAGE}`);
      const after = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
      const { cases, maskPhone } = await ctx.services();
      // One row more than the page tells whether another page follows.
      const rows = await cases.list({
        state: isCaseState(opts.state) ? opts.state : undefined,
        email: opts.email,
        limit: limit + 1,
        after,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null;
      const items = page.map((r) => caseJson(r, maskPhone));
      if (opts.json) process.stdout.write(`${JSON.stringify({ items, nextCursor }, null, 2)}\n`);
      else {
        for (const c of items) process.stdout.write(`${c.id}  ${c.state.padEnd(10)} ${c.createdAt}  ${c.email}\n`);
        if (nextCursor) process.stdout.write(`more: --cursor ${nextCursor}\n`);
      }
    });

  cmd
    .command('show')
    .description('one case with its history')
    .argument('<id>', 'case id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { cases, maskPhone } = await ctx.services();
      const row = await cases.get(id);
      if (!row) throw new CliError(`no case with id ${id}`, 1);
      const history = (await cases.history(id)).map((e) => ({
        seq: e.seq,
        at: e.at,
        kind: e.kind,
        data: JSON.parse(e.data) as unknown,
        hash: e.hash,
      }));
      const out = { ...caseJson(row, maskPhone), history };
      if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      else {
        process.stdout.write(`${out.id}  ${out.state}  ${out.email}  call at ${out.scheduledAt ?? '-'}\n`);
        for (const h of history) process.stdout.write(`  #${h.seq} ${h.at} ${h.kind} ${JSON.stringify(h.data)}\n`);
      }
    });

  for (const sub of extra) cmd.addCommand(sub);
  return cmd;
}
