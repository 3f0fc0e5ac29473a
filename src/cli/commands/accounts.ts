import { Command } from 'commander';
import { maskPhone } from '../../domain/phone';
import { AccountInputError, DuplicateEmailError } from '../../identity/errors';
import type { IdentityService } from '../../identity/service';
import type { Account } from '../../identity/types';
import { boundedLines } from '../bounded-lines';
import { CliError } from '../cli-error';

export interface AccountsCommandContext {
  services(): Promise<{ identity: IdentityService }>;
  /** Output sink; stdout by default. */
  print?(line: string): void;
  /** Source of --password-stdin; the process's stdin by default. */
  readStdinLine?(): Promise<string>;
}

/** Longest password line read from stdin: far above any password, small enough that /dev/zero ends at once. */
const MAX_PASSWORD_LINE_CHARS = 4096;

/** The first line of `input` (stdin by default); CliError when it never ends within the limit. */
export async function readFirstLine(input: AsyncIterable<unknown> = process.stdin): Promise<string> {
  for await (const line of boundedLines(input, MAX_PASSWORD_LINE_CHARS, 'standard input')) return line;
  return '';
}

const FLAG_OF_FIELD: Record<AccountInputError['field'], string> = {
  email: '--email',
  password: '--password',
  name: '--name',
  nameKana: '--name-kana',
  nameLatin: '--name-latin',
  phone: '--phone',
  lang: '--lang',
  role: '--role',
};

function accountJson(account: Account) {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    nameKana: account.nameKana,
    nameLatin: account.nameLatin,
    phone: maskPhone(account.phoneE164),
    lang: account.lang,
    role: account.role,
    mfaEnabled: account.mfaEnabled,
    mfaEnrollRequired: account.mfaEnrollRequired,
    privileged: account.privileged,
    createdAt: account.createdAt,
  };
}

/** `aizuchi accounts create|show` — manage accounts of the embedded identity provider. */
export function accountsCommand(ctx: AccountsCommandContext): Command {
  const print = ctx.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cmd = new Command('accounts').description('accounts of the embedded identity provider');

  cmd
    .command('create')
    .description('create an account; prints it as JSON (with the otpauth:// URI when --mfa)')
    .requiredOption('--email <email>', 'email address (sign-in name)')
    .option('--password <password>', 'password, at least 8 characters (visible to other users in `ps`; prefer --password-stdin)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .requiredOption('--name <name>', 'full name')
    .option('--name-kana <kana>', "the name's kana reading (フリガナ), said in Japanese calls, e.g. 'イノマタ タロウ'")
    .option('--name-latin <latin>', "the name in Latin letters, said in English calls, e.g. 'Taro Inomata'")
    .requiredOption('--phone <phone>', 'phone number on record, e.g. 090-1234-5678 or +81 90 1234 5678')
    .option('--mfa', 'enrol TOTP now and print the otpauth:// URI to add to an authenticator app')
    .option('--lang <lang>', 'ja or en', 'ja')
    .option(
      '--role <role>',
      'customer or operator (an operator is privileged: never recovered by the agent, and signs in only with --mfa)',
      'customer',
    )
    .action(
      async (opts: {
        email: string;
        password?: string;
        passwordStdin?: boolean;
        name: string;
        nameKana?: string;
        nameLatin?: string;
        phone: string;
        mfa?: boolean;
        lang: string;
        role: string;
      }) => {
        if ((opts.password === undefined) === (opts.passwordStdin !== true))
          throw new CliError('give exactly one of --password or --password-stdin');
        const password = opts.passwordStdin ? await (ctx.readStdinLine ?? readFirstLine)() : opts.password!;
        const { identity } = await ctx.services();
        try {
          const { account, otpauthUri } = await identity.createAccount({
            email: opts.email,
            password,
            name: opts.name,
            nameKana: opts.nameKana ?? null,
            nameLatin: opts.nameLatin ?? null,
            phone: opts.phone,
            lang: opts.lang,
            role: opts.role,
            mfa: opts.mfa ?? false,
          });
          print(JSON.stringify({ ...accountJson(account), ...(otpauthUri ? { otpauthUri } : {}) }, null, 2));
        } catch (err) {
          if (err instanceof AccountInputError) throw new CliError(`${FLAG_OF_FIELD[err.field]}: ${err.message}`);
          if (err instanceof DuplicateEmailError) throw new CliError(`--email: ${err.message}`);
          throw err;
        }
      },
    );

  cmd
    .command('show')
    .description('one account, found by email (the phone number masked)')
    .requiredOption('--email <email>', 'email address')
    .option('--json', 'print JSON')
    .action(async (opts: { email: string; json?: boolean }) => {
      const { identity } = await ctx.services();
      const account = await identity.findAccountByEmail(opts.email);
      if (!account) throw new CliError('no account with that email', 1);
      const view = accountJson(account);
      if (opts.json) {
        print(JSON.stringify(view, null, 2));
        return;
      }
      for (const [key, value] of Object.entries(view)) print(`${key.padEnd(18)} ${String(value)}`);
    });

  return cmd;
}
