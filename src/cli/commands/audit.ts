import { Command } from 'commander';
import { verifyAuditLog } from '../../audit/audit-log';
import type { Store } from '../../store/connect';

/** `aizuchi audit verify` — proves the hash chain intact or shows the first place it was altered. */
export function auditCommand(ctx: { services(): Promise<{ store: Store }> }): Command {
  const cmd = new Command('audit').description('the tamper-evident case history');
  cmd
    .command('verify')
    .description('verify the hash chain of every case event')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const { store } = await ctx.services();
      const verdict = await verifyAuditLog(store);
      if (opts.json) process.stdout.write(`${JSON.stringify(verdict)}\n`);
      else if (verdict.ok) process.stdout.write(`audit chain intact: ${verdict.checked} events, head ${verdict.headHash}\n`);
      else {
        const b = verdict.firstBreak!;
        const detail =
          b.problem === 'sequence_gap'
            ? `event #${b.expectedSeq} is missing`
            : b.problem === 'broken_link'
              ? 'its link to the previous event does not match'
              : 'its contents do not match its hash';
        process.stdout.write(`audit chain ALTERED at event #${b.seq}: ${detail} (${verdict.checked} events before it are intact)\n`);
      }
      if (!verdict.ok) process.exitCode = 1;
    });
  return cmd;
}
