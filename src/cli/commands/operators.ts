import { Command } from 'commander';
import { CONSOLE_ROLES, isConsoleRole } from '../../domain/console-roles';
import { maskEmail } from '../../domain/phone';
import type { IdentityService } from '../../identity/service';
import type { OperatorRoles } from '../../settings';
import { CliError } from '../cli-error';

export interface OperatorsCommandContext {
  services(): Promise<{ identity: Pick<IdentityService, 'findAccountByEmail'>; operatorRoles: OperatorRoles }>;
  /** Output sink; stdout by default. */
  print?(line: string): void;
}

/** The actor the audit chain names for a change made at the server's command line (no console session). */
export const CLI_ACTOR = 'cli';

/**
 * `aizuchi operators role <email> <viewer|operator|admin>`: a local operator's console role (issue 10).
 * The change and an `operator_role_changed` system event (old → new, by `cli`) are written in one
 * transaction, so `aizuchi audit verify` covers it. Exit 1: no operator with that email; 2: bad role.
 */
export function operatorsCommand(ctx: OperatorsCommandContext): Command {
  const print = ctx.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cmd = new Command('operators').description("local operators' console roles");
  cmd
    .command('role')
    .description(`set a local operator's console role (${CONSOLE_ROLES.join(', ')}); audited`)
    .argument('<email>', "the operator's sign-in email")
    .argument('<role>', CONSOLE_ROLES.join(' | '))
    .action(async (email: string, role: string) => {
      if (!isConsoleRole(role)) throw new CliError(`role: give one of ${CONSOLE_ROLES.join(', ')}`);
      const { identity, operatorRoles } = await ctx.services();
      const account = await identity.findAccountByEmail(email);
      if (!account || account.role !== 'operator') throw new CliError('no operator account with that email', 1);
      const { from, to } = await operatorRoles.setRole(account.id, role, CLI_ACTOR);
      print(from === to ? `${maskEmail(account.email)}: already ${to}` : `${maskEmail(account.email)}: ${from} → ${to}`);
    });
  return cmd;
}
