import { Command, Option } from 'commander';
import { CallStartError, type CallService } from '../../calls';
import { CliError } from '../cli-error';

export interface CallNowDeps {
  calls: Pick<CallService, 'startCall'>;
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
      const { calls } = await ctx.services();
      try {
        const started = await calls.startCall(id, { channel: opts.channel, outsideHours: opts.outsideHours === true });
        write(opts.json ? `${JSON.stringify({ url: started.url })}\n` : `${started.url}\n`);
      } catch (err) {
        if (err instanceof CallStartError) throw new CliError(err.message, err.reason === 'not_found' ? 1 : 2);
        throw err;
      }
    });
}
