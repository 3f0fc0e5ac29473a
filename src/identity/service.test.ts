import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger';
import { deriveKeys } from '../security/keys';
import { AccountInputError, AccountNotFoundError, DuplicateEmailError, EnrollmentExpiredError } from './errors';
import { type IdentityService, createIdentityService, passwordSlowDownMs } from './service';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from './test-stores';
import { totpCode } from './totp';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

function serviceSuite(open: () => Promise<TestStore>) {
  let testStore: TestStore;
  let service: IdentityService;
  let now: Date;
  let logText: string;
  let sleeps: number[];

  beforeEach(async () => {
    testStore = await open();
    now = new Date('2025-06-02T01:00:05Z');
    logText = '';
    sleeps = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        logText += String(chunk);
        done();
      },
    });
    service = createIdentityService({
      store: testStore.store,
      keys: deriveKeys(crypto.randomBytes(32)),
      clock: { now: () => now },
      logger: createLogger('debug', sink),
      limits: { loginFailuresPer15Min: 5 },
      issuer: 'Example Co',
      sleep: async (ms) => void sleeps.push(ms),
    });
  });
  afterEach(async () => {
    await testStore.dispose();
  });

  const base = { email: '  Taro.Yamada@Example.COM ', password: 'correct horse', name: '山田 太郎', phone: '090-1234-5678' };
  const secretOf = (uri: string) => new URL(uri).searchParams.get('secret') ?? '';

  it('creates an account with a normalised email, E.164 phone and an argon2id hash', async () => {
    const { account, otpauthUri } = await service.createAccount({ ...base, lang: 'en' });
    expect(account).toMatchObject({
      email: 'taro.yamada@example.com',
      phoneE164: '+819012345678',
      lang: 'en',
      role: 'customer',
      mfaEnabled: false,
      mfaEnrollRequired: false,
      privileged: false,
    });
    expect(otpauthUri).toBeUndefined();
    const row = await testStore.store.db.selectFrom('accounts').selectAll().where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await service.findAccountByEmail('TARO.YAMADA@example.com')).toMatchObject({ id: account.id });
    expect(await service.getAccount(account.id)).toMatchObject({ email: 'taro.yamada@example.com' });
    expect(await service.getAccount('nope')).toBeNull();
  });

  it('enrols MFA at creation, storing the secret only encrypted', async () => {
    const { account, otpauthUri } = await service.createAccount({ ...base, mfa: true, role: 'operator' });
    expect(account).toMatchObject({ mfaEnabled: true, role: 'operator', privileged: true });
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/Example%20Co:taro\.yamada%40example\.com\?/);
    const secret = secretOf(otpauthUri ?? '');
    const row = await testStore.store.db
      .selectFrom('accounts')
      .select('mfa_secret_enc')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.mfa_secret_enc).toBeTruthy();
    expect(row.mfa_secret_enc).not.toContain(secret);
    expect(await service.verifyTotp(account.id, totpCode(secret, now))).toBe(true);
  });

  it('refuses duplicates (whatever the case) and bad input with the field named', async () => {
    await service.createAccount(base);
    await expect(service.createAccount({ ...base, email: 'TARO.yamada@example.com' })).rejects.toBeInstanceOf(DuplicateEmailError);
    const bad: Array<[Partial<typeof base> & { lang?: string; role?: string }, string]> = [
      [{ email: 'not-an-email' }, 'email'],
      [{ password: 'short' }, 'password'],
      [{ phone: '12345' }, 'phone'],
      [{ name: '   ' }, 'name'],
      [{ lang: 'fr' }, 'lang'],
      [{ role: 'admin' }, 'role'],
    ];
    for (const [change, field] of bad) {
      const err = await service.createAccount({ ...base, email: 'other@example.com', ...change }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AccountInputError);
      expect((err as AccountInputError).field).toBe(field);
    }
  });

  it('verifies passwords, including for unknown emails without error', async () => {
    const { account } = await service.createAccount(base);
    expect(await service.verifyPassword('taro.yamada@example.com', 'correct horse')).toMatchObject({ id: account.id });
    expect(await service.verifyPassword('taro.yamada@example.com', 'wrong horse')).toBeNull();
    expect(await service.verifyPassword('nobody@example.com', 'correct horse')).toBeNull();
  });

  it('accepts each TOTP code once and never an older one after a newer', async () => {
    const { account, otpauthUri } = await service.createAccount({ ...base, mfa: true });
    const secret = secretOf(otpauthUri ?? '');
    const previous = totpCode(secret, new Date(now.getTime() - 30_000));
    const current = totpCode(secret, now);
    expect(await service.verifyTotp(account.id, '000000' === current ? '111111' : '000000')).toBe(false);
    expect(await service.verifyTotp(account.id, current)).toBe(true);
    expect(await service.verifyTotp(account.id, current)).toBe(false);
    expect(await service.verifyTotp(account.id, previous)).toBe(false);
    now = new Date(now.getTime() + 30_000);
    expect(await service.verifyTotp(account.id, totpCode(secret, now))).toBe(true);
  });

  it('limits failed passwords per account at one address, for unknown emails alike, and forgets after 15 minutes', async () => {
    await service.createAccount(base);
    const attempt = (email: string, password: string, clientAddress: string) => service.attemptPassword({ email, password, clientAddress });
    for (let i = 0; i < 5; i++) {
      expect(await attempt(base.email, 'wrong horse', '10.0.0.1')).toEqual({ ok: false, reason: 'invalid' });
      expect(await attempt('ghost@example.com', 'wrong horse', '10.0.1.1')).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(await attempt(base.email, 'correct horse', '10.0.0.1')).toEqual({ ok: false, reason: 'rate_limited' });
    expect(await attempt('ghost@example.com', 'x', '10.0.1.1')).toEqual({ ok: false, reason: 'rate_limited' });
    now = new Date(now.getTime() + 15 * 60_000 + 1000);
    expect(await attempt(base.email, 'correct horse', '10.0.0.1')).toMatchObject({ ok: true });
  });

  it('does not lock the owner out after wrong passwords from five other addresses; it slows attempts down instead', async () => {
    await service.createAccount(base);
    for (let i = 0; i < 5; i++) {
      expect(await service.attemptPassword({ email: base.email, password: 'wrong horse', clientAddress: `10.0.5.${i}` })).toEqual({
        ok: false,
        reason: 'invalid',
      });
    }
    expect(sleeps).toEqual([]);
    expect(await service.attemptPassword({ email: base.email, password: 'correct horse', clientAddress: '10.0.6.1' })).toMatchObject({
      ok: true,
    });
    expect(sleeps).toEqual([250]);
    expect(await service.attemptPassword({ email: base.email, password: 'wrong horse', clientAddress: '10.0.5.9' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await service.attemptPassword({ email: base.email, password: 'wrong horse', clientAddress: '10.0.5.10' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(sleeps).toEqual([250, 250, 500]);
  });

  it('grows the slow-down from 250 ms to at most 8 s', () => {
    expect([4, 5, 6, 7, 10, 50].map((n) => passwordSlowDownMs(n, 5))).toEqual([0, 250, 500, 1000, 8000, 8000]);
  });

  it('limits failures per client address across accounts', async () => {
    await service.createAccount(base);
    for (let i = 0; i < 5; i++) {
      await service.attemptPassword({ email: `guess${i}@example.com`, password: 'x', clientAddress: '192.0.2.7' });
    }
    expect(await service.attemptPassword({ email: base.email, password: 'correct horse', clientAddress: '192.0.2.7' })).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
    expect(await service.attemptPassword({ email: base.email, password: 'correct horse', clientAddress: '192.0.2.8' })).toMatchObject({
      ok: true,
    });
  });

  it('refuses an oversized password or email without hashing it, and counts it as a failure', async () => {
    await service.createAccount(base);
    expect(await service.verifyPassword(base.email, 'x'.repeat(60_000))).toBeNull();
    expect(await service.verifyPassword(`${'a'.repeat(60_000)}@example.com`, 'correct horse')).toBeNull();
    expect(await service.attemptPassword({ email: base.email, password: 'y'.repeat(60_000), clientAddress: '10.9.0.1' })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await service.verifyPassword(base.email, 'correct horse')).toMatchObject({ email: 'taro.yamada@example.com' });
  });

  it('holds the failure limit for guesses sent all at once, and a right password does not count', async () => {
    await service.createAccount(base);
    const guesses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        service.attemptPassword({ email: base.email, password: `guess ${i}`, clientAddress: '10.2.0.1' }),
      ),
    );
    expect(guesses.filter((g) => !g.ok && g.reason === 'invalid')).toHaveLength(5);
    expect(guesses.filter((g) => !g.ok && g.reason === 'rate_limited')).toHaveLength(7);
    now = new Date(now.getTime() + 15 * 60_000 + 1000);
    for (let i = 0; i < 6; i++) {
      expect(await service.attemptPassword({ email: base.email, password: 'correct horse', clientAddress: '10.3.0.1' })).toMatchObject({
        ok: true,
      });
    }
  });

  it('counts failures from one IPv6 /56 together, whichever address in it is used', async () => {
    await service.createAccount(base);
    for (let i = 1; i <= 5; i++) {
      await service.attemptPassword({ email: `guess${i}@example.com`, password: 'x', clientAddress: `2001:db8:7:7::${i}` });
    }
    expect(await service.attemptPassword({ email: base.email, password: 'correct horse', clientAddress: '2001:db8:7:7:abcd::9' })).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
    expect(
      await service.attemptPassword({ email: base.email, password: 'correct horse', clientAddress: '2001:db8:7:100::1' }),
    ).toMatchObject({ ok: true });
  });

  it('limits failed codes, even a correct one once limited', async () => {
    const { account, otpauthUri } = await service.createAccount({ ...base, mfa: true });
    const secret = secretOf(otpauthUri ?? '');
    const wrong = totpCode(secret, new Date(now.getTime() + 10 * 60_000));
    for (let i = 0; i < 5; i++) {
      expect(await service.attemptTotp({ accountId: account.id, code: wrong, clientAddress: '10.0.0.1' })).toEqual({
        ok: false,
        reason: 'invalid',
      });
    }
    const right = totpCode(secret, now);
    expect(await service.attemptTotp({ accountId: account.id, code: right, clientAddress: '10.0.0.2' })).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
  });

  it('enrols a new device only with a current code for the pending secret', async () => {
    const { account } = await service.createAccount(base);
    const other = await service.createAccount({ ...base, email: 'hanako@example.com' });
    const pending = await service.beginEnrollment(account.id);
    expect(pending.otpauthUri).toContain(`secret=${pending.secretBase32}`);
    expect(await service.reopenEnrollment(account.id, pending.pending)).toEqual(pending);
    expect(
      await service.confirmEnrollment(account.id, pending.pending, totpCode(pending.secretBase32, new Date(now.getTime() + 120_000))),
    ).toBe(false);
    await expect(service.confirmEnrollment(other.account.id, pending.pending, totpCode(pending.secretBase32, now))).rejects.toBeInstanceOf(
      EnrollmentExpiredError,
    );
    expect((await service.getAccount(account.id))?.mfaEnabled).toBe(false);
    expect(await service.confirmEnrollment(account.id, pending.pending, totpCode(pending.secretBase32, now))).toBe(true);
    expect(await service.getAccount(account.id)).toMatchObject({ mfaEnabled: true, mfaEnrollRequired: false });
    // The confirming code was used; the next one signs in.
    expect(await service.verifyTotp(account.id, totpCode(pending.secretBase32, now))).toBe(false);
    now = new Date(now.getTime() + 30_000);
    expect(await service.verifyTotp(account.id, totpCode(pending.secretBase32, now))).toBe(true);
  });

  it('lets a pending enrolment expire after 15 minutes', async () => {
    const { account } = await service.createAccount(base);
    const pending = await service.beginEnrollment(account.id);
    now = new Date(now.getTime() + 16 * 60_000);
    await expect(service.confirmEnrollment(account.id, pending.pending, totpCode(pending.secretBase32, now))).rejects.toBeInstanceOf(
      EnrollmentExpiredError,
    );
  });

  it('removes MFA and requires a new device (the identity provider contract)', async () => {
    const { account, otpauthUri } = await service.createAccount({ ...base, mfa: true });
    await service.removeMfaAndRequireNewDevice(account.id);
    expect(await service.getAccount(account.id)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
    const row = await testStore.store.db
      .selectFrom('accounts')
      .select('mfa_secret_enc')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.mfa_secret_enc).toBeNull();
    expect(await service.verifyTotp(account.id, totpCode(secretOf(otpauthUri ?? ''), now))).toBe(false);
    await expect(service.removeMfaAndRequireNewDevice('missing')).rejects.toBeInstanceOf(AccountNotFoundError);
  });

  it('gives the contact details and null for unknown accounts', async () => {
    const { account } = await service.createAccount({ ...base, lang: 'en', role: 'operator' });
    expect(await service.getContact(account.id)).toEqual({
      email: 'taro.yamada@example.com',
      phoneE164: '+819012345678',
      lang: 'en',
      name: '山田 太郎',
      privileged: true,
    });
    expect(await service.getContact('missing')).toBeNull();
  });

  it("stores the name's kana reading and Latin spelling when given, and hands them on in the contact (issue 9)", async () => {
    const { account } = await service.createAccount({ ...base, nameKana: 'ﾔﾏﾀﾞ  たろう', nameLatin: ' Taro  Yamada ' });
    // Half-width kana become full-width; spaces are collapsed.
    expect(account).toMatchObject({ nameKana: 'ヤマダ たろう', nameLatin: 'Taro Yamada' });
    expect(await service.getContact(account.id)).toMatchObject({ name: '山田 太郎', nameKana: 'ヤマダ たろう', nameLatin: 'Taro Yamada' });
    const plain = await service.createAccount({ ...base, email: 'plain@example.com', nameKana: '', nameLatin: null });
    expect(plain.account).toMatchObject({ nameKana: null, nameLatin: null });
    const contact = await service.getContact(plain.account.id);
    expect(contact && 'nameKana' in contact).toBe(false);
  });

  it.each([
    [{ nameKana: '山田 太郎' }, 'nameKana'],
    [{ nameKana: 'yamada' }, 'nameKana'],
    [{ nameLatin: '山田' }, 'nameLatin'],
    [{ nameLatin: 'Taro <script>' }, 'nameLatin'],
    [{ nameLatin: 'a'.repeat(201) }, 'nameLatin'],
  ] as const)('refuses a name reading in the wrong script or too long: %j', async (extra, field) => {
    const refused = service.createAccount({ ...base, ...extra });
    await expect(refused).rejects.toBeInstanceOf(AccountInputError);
    await expect(refused).rejects.toMatchObject({ field });
  });

  it('keeps sessions by token hash: short password stage, promotion with a new token, revocation', async () => {
    const { account } = await service.createAccount(base);
    const first = await service.sessions.create(account.id, 'password', now);
    const idHashes = await testStore.store.db.selectFrom('sessions').select('id_hash').execute();
    expect(idHashes.map((r) => r.id_hash)).not.toContain(first.token);
    expect(await service.sessions.read(first.token)).toMatchObject({
      accountId: account.id,
      stage: 'password',
      passwordVerifiedAt: now.toISOString(),
    });
    expect(await service.sessions.read('forged')).toBeNull();

    const full = await service.sessions.promote(first.token);
    expect(full).not.toBeNull();
    expect(await service.sessions.read(first.token)).toBeNull();
    expect(await service.sessions.read(full?.token ?? '')).toMatchObject({ stage: 'full', passwordVerifiedAt: now.toISOString() });

    const waiting = await service.sessions.create(account.id, 'password', now);
    now = new Date(now.getTime() + 10 * 60_000 + 1);
    expect(await service.sessions.read(waiting.token)).toBeNull();
    expect(await service.sessions.read(full?.token ?? '')).not.toBeNull();

    await service.revokeSessions(account.id);
    expect(await service.sessions.read(full?.token ?? '')).toBeNull();
  });

  it('never logs the email, password or secret in clear', async () => {
    const { otpauthUri } = await service.createAccount({ ...base, mfa: true });
    await service.attemptPassword({ email: base.email, password: 'wrong horse', clientAddress: '10.0.0.1' });
    await service.attemptPassword({ email: base.email, password: 'correct horse', clientAddress: '10.0.0.1' });
    expect(logText).toContain('sign-in password accepted');
    expect(logText).not.toContain('taro.yamada@example.com');
    expect(logText).not.toContain('horse');
    expect(logText).not.toContain(secretOf(otpauthUri ?? ''));
  });
}

describe('identity service on SQLite', () => serviceSuite(openSqliteTestStore));
describe.runIf(postgresUrl)('identity service on PostgreSQL', () => serviceSuite(() => openPostgresTestStore(postgresUrl ?? '')));
