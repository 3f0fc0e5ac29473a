import crypto from 'node:crypto';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type IdentityService, createIdentityService } from '../../identity/service';
import { type TestStore, openSqliteTestStore } from '../../identity/test-stores';
import { totpCode } from '../../identity/totp';
import { createLogger } from '../../observability/logger';
import { deriveKeys } from '../../security/keys';
import { CliError } from '../cli-error';
import { accountsCommand } from './accounts';

describe('aizuchi accounts', () => {
  let testStore: TestStore;
  let identity: IdentityService;
  let lines: string[];
  let program: Command;

  beforeEach(async () => {
    testStore = await openSqliteTestStore();
    identity = createIdentityService({
      store: testStore.store,
      keys: deriveKeys(crypto.randomBytes(32)),
      clock: { now: () => new Date() },
      logger: createLogger('silent'),
      limits: { loginFailuresPer15Min: 5 },
    });
    lines = [];
    program = new Command('aizuchi').exitOverride();
    program.addCommand(accountsCommand({ services: async () => ({ identity }), print: (l) => lines.push(l) }));
  });
  afterEach(async () => {
    await testStore.dispose();
  });

  const run = (...args: string[]) => program.parseAsync(['node', 'aizuchi', 'accounts', ...args]);
  const create = [
    'create',
    '--email',
    ' Taro@Example.com',
    '--password',
    'correct horse',
    '--name',
    '山田 太郎',
    '--phone',
    '090-1234-5678',
  ];

  it('creates an account and prints it as JSON with a masked phone', async () => {
    await run(...create, '--lang', 'en');
    const out = JSON.parse(lines.join('\n'));
    expect(out).toMatchObject({
      id: expect.any(String),
      email: 'taro@example.com',
      name: '山田 太郎',
      phone: '+81 90-****-5678',
      lang: 'en',
      role: 'customer',
      mfaEnabled: false,
    });
    expect(out.otpauthUri).toBeUndefined();
    expect(await identity.verifyPassword('taro@example.com', 'correct horse')).toMatchObject({ id: out.id });
  });

  it("takes the name's kana reading and Latin spelling (issue 9), and names the flag of a bad one", async () => {
    await run(...create, '--name-kana', 'ヤマダ タロウ', '--name-latin', 'Taro Yamada');
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ name: '山田 太郎', nameKana: 'ヤマダ タロウ', nameLatin: 'Taro Yamada' });
    const contact = await identity.getContact(JSON.parse(lines.join('\n')).id);
    expect(contact).toMatchObject({ nameKana: 'ヤマダ タロウ', nameLatin: 'Taro Yamada' });
    await expect(
      run(
        'create',
        '--email',
        'x@example.com',
        '--password',
        'correct horse',
        '--name',
        'X',
        '--phone',
        '090-1234-5679',
        '--name-kana',
        'X',
      ),
    ).rejects.toThrow(/--name-kana: must be written in kana/);
  });

  it('reads the password from stdin with --password-stdin, and wants exactly one password source', async () => {
    const stdinProgram = new Command('aizuchi').exitOverride();
    stdinProgram.addCommand(
      accountsCommand({
        services: async () => ({ identity }),
        print: (l) => lines.push(l),
        readStdinLine: async () => 'from standard input',
      }),
    );
    const base = ['node', 'aizuchi', 'accounts', 'create', '--email', 'hanako@example.com', '--name', 'Hanako', '--phone', '090-1234-5678'];
    await stdinProgram.parseAsync([...base, '--password-stdin']);
    expect(await identity.verifyPassword('hanako@example.com', 'from standard input')).not.toBeNull();
    await expect(stdinProgram.parseAsync([...base, '--password-stdin', '--password', 'x'.repeat(10)])).rejects.toThrow(
      /exactly one of --password or --password-stdin/,
    );
    await expect(stdinProgram.parseAsync(base)).rejects.toThrow(/exactly one/);
  });

  it('with --mfa prints a working otpauth:// URI', async () => {
    await run(...create, '--mfa', '--role', 'operator');
    const out = JSON.parse(lines.join('\n'));
    expect(out).toMatchObject({ mfaEnabled: true, role: 'operator' });
    const secret = new URL(out.otpauthUri).searchParams.get('secret') ?? '';
    expect(await identity.verifyTotp(out.id, totpCode(secret, new Date()))).toBe(true);
  });

  it('privilege follows from the role: an operator is privileged, a customer is not, and there is no flag to opt out', async () => {
    await run(...create, '--mfa', '--role', 'operator');
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ role: 'operator', privileged: true });
    lines = [];
    await run('create', '--email', 'cust@example.com', '--password', 'correct horse battery', '--name', 'C', '--phone', '090-1234-5679');
    expect(JSON.parse(lines.join('\n'))).toMatchObject({ role: 'customer', privileged: false });
    const createCmd = accountsCommand({ services: async () => ({ identity }) }).commands.find((c) => c.name() === 'create')!;
    expect(createCmd.options.map((o) => o.long)).not.toContain('--privileged');
  });

  it('shows an account by email with MFA state', async () => {
    await run(...create, '--mfa');
    const created = JSON.parse(lines.join('\n'));
    await identity.removeMfaAndRequireNewDevice(created.id);
    lines = [];
    await run('show', '--email', 'TARO@example.com', '--json');
    const out = JSON.parse(lines.join('\n'));
    expect(out).toMatchObject({ id: created.id, mfaEnabled: false, mfaEnrollRequired: true, phone: '+81 90-****-5678' });
    // The hidden middle group next to its neighbours: the id alone may hold 1234 by chance.
    expect(lines.join('\n')).not.toMatch(/90-?1234|1234-?5678/);
  });

  it.each([
    [['--email', 'not-an-email'], /^--email: email address is not valid$/],
    [['--password', 'short'], /^--password: password must be at least 8 characters$/],
    [['--phone', '12345'], /^--phone: phone number is not valid/],
    [['--lang', 'fr'], /^--lang: lang must be ja or en$/],
    [['--role', 'admin'], /^--role: role must be customer or operator$/],
  ])('refuses %j with one clear line', async (change, message) => {
    const [flag = '', value = ''] = change;
    const args = [...create];
    if (args.includes(flag)) args[args.indexOf(flag) + 1] = value;
    else args.push(flag, value);
    const err = await run(...args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(message);
    expect((err as CliError).message).not.toContain('\n');
  });

  it('refuses a duplicate email and an unknown account', async () => {
    await run(...create);
    const dup = await run(...create).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(CliError);
    expect((dup as CliError).message).toBe('--email: an account with this email already exists');
    const missing = await run('show', '--email', 'nobody@example.com', '--json').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CliError);
  });
});
