import { Command, Option } from 'commander';
import type { CallService } from '../../calls';
import { createTextDialer } from '../../calls/text-dialer';
import type { CaseService } from '../../cases/case-service';
import { COMMAND_LINE, OperatorActionError, createOperatorActions } from '../../cases/operator-actions';
import type { Clock } from '../../domain/clock';
import type { JobQueue, StoreTransaction } from '../../jobs/queue';
import { CliError } from '../cli-error';

/**
 * Rings a scheduled case (or one whose ring nobody answered) now over the text channel and gives
 * back the call's single-use address.
 */
export type CliCallNow = (caseId: string, opts: { outsideHours: boolean }) => Promise<{ url: string }>;

export interface CliCallNowDeps {
  cases: CaseService;
  calls: Pick<CallService, 'openLink'>;
  calendar: { isOpen(at: Date): boolean; nextOpen(from: Date): Date };
  jobs: { queue: JobQueue; cancelByDedupeKey(dedupeKey: string, trx: StoreTransaction): Promise<boolean> };
  clock: Clock;
  /** AIZUCHI_CALLBACK_LEAD_SEC in ms (the operator actions need it; call-now does not use it). */
  callLeadMs: number;
}

/**
 * The console's call-now operator action, run by the command line (actor COMMAND_LINE), so the two
 * cannot disagree on when a case may be called. Its dialer is a text dialer that keeps the link for
 * the command to print instead of ringing a page. A case still `calling` (its link rang, nobody
 * connected) is taken over: the old link ends and the new one is the terminal's. Refusals become CliErrors: exit 1 for an unknown
 * case, 2 for any other refusal (wrong state, no account, outside hours without --outside-hours).
 */
export function createCliCallNow(deps: CliCallNowDeps): CliCallNow {
  const links = new Map<string, string>(); // by case id, only between dial and return
  const actions = createOperatorActions({
    cases: deps.cases,
    calendar: deps.calendar,
    queue: deps.jobs.queue,
    cancelJob: (key, trx) => deps.jobs.cancelByDedupeKey(key, trx),
    dialer: createTextDialer(deps.calls, (caseId, url) => links.set(caseId, url)),
    clock: deps.clock,
    callLeadMs: deps.callLeadMs,
  });
  return async (caseId, opts) => {
    try {
      // The terminal's link is shown only to whoever runs the command, so it takes over a ring
      // nobody answered (the softphone's, with AIZUCHI_CALLBACK_LEAD_SEC=0) instead of refusing.
      await actions.callNow(caseId, COMMAND_LINE, { ...opts, takeOverRinging: true });
    } catch (err) {
      links.delete(caseId);
      if (err instanceof OperatorActionError) throw new CliError(err.message, err.code === 'not_found' ? 1 : 2);
      throw err;
    }
    const url = links.get(caseId);
    links.delete(caseId);
    if (!url) throw new CliError('the call started but no link came back', 1);
    return { url };
  };
}

export interface CallNowDeps {
  callNow: CliCallNow;
}

/**
 * `aizuchi cases call-now ID --channel text [--outside-hours] [--json]` — rings a scheduled case now
 * and prints the call's single-use address. Outside business hours it refuses unless the operator
 * says --outside-hours, which the case history records.
 */
export function callNowCommand(ctx: { services(): Promise<CallNowDeps>; write?: (s: string) => void }): Command {
  const write = ctx.write ?? ((s: string) => void process.stdout.write(s));
  return new Command('call-now')
    .description('start the callback for a case now and print the call address')
    .argument('<id>', 'case id')
    .addOption(new Option('--channel <channel>', 'how to call').choices(['text']).default('text'))
    .option('--outside-hours', 'call even though it is outside business hours (recorded in the case history)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { channel: 'text'; outsideHours?: boolean; json?: boolean }) => {
      const { callNow } = await ctx.services();
      const started = await callNow(id, { outsideHours: opts.outsideHours === true });
      write(opts.json ? `${JSON.stringify({ url: started.url })}\n` : `${started.url}\n`);
    });
}
