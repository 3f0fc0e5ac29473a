import crypto from 'node:crypto';
import type { Clock } from '../domain/clock';
import { maskEmail } from '../domain/phone';
import type { Logger } from '../observability/logger';
import { type Keys, hmacHex } from '../security/keys';
import { rateLimitAddress } from '../security/client-address';
import { RateLimiter } from '../security/rate-limiter';
import type { Store } from '../store/connect';
import { type CreateAccountInput, validateAccountInput } from './account-input';
import { isUniqueViolation, normalizeEmail, toAccount } from './account-rows';
import { AccountNotFoundError, DuplicateEmailError, EnrollmentFrozenError } from './errors';
import { type PendingEnrollment, type TotpCheck, createMfa } from './mfa';
export { keyOpensSealedSecrets } from './mfa';
import { MAX_PASSWORD_LENGTH, createDummyHash, hashPassword, verifyPasswordHash } from './password';
import type { DirectoryAccount, IdentityContact, IdentityProvider, MfaFactor } from './provider';
import { type SessionStore, type SessionTtls, createSessionStore } from './sessions';
import { newTotpSecret, totpUri } from './totp';
import { type Account, type AttemptFailure, isPrivilegedRole } from './types';

export interface IdentityLimits {
  /**
   * Failed passwords allowed per account from one client address, and per client address across
   * accounts, in 15 minutes; failed codes per account and per address.
   */
  loginFailuresPer15Min: number;
}

/**
 * How long to hold a password attempt for an account that already had `failures` wrong passwords
 * in 15 minutes from anywhere: nothing up to the limit, then doubling from 250 ms to at most 8 s.
 * A slow-down instead of an account lock (OWASP Authentication cheat sheet): strangers' guesses
 * from other addresses cost the owner at most a few seconds, never their sign-in.
 */
export function passwordSlowDownMs(failures: number, limit: number): number {
  if (failures < limit) return 0;
  return Math.min(8000, 250 * 2 ** Math.min(failures - limit, 5));
}

export interface IdentityServiceDeps {
  store: Store;
  keys: Keys;
  clock: Clock;
  logger: Logger;
  limits: IdentityLimits;
  /** Shown in authenticator apps; the company name. */
  issuer?: string;
  sessionTtls?: SessionTtls;
  /** Waits before a slowed-down password attempt; a real timer unless a test replaces it. */
  sleep?: (ms: number) => Promise<void>;
}

export type AttemptResult<T> = { ok: true; value: T } | { ok: false; reason: AttemptFailure };

export interface IdentityService extends IdentityProvider {
  createAccount(input: CreateAccountInput): Promise<{ account: Account; otpauthUri?: string }>;
  findAccountByEmail(email: string): Promise<Account | null>;
  /** Accounts whose number on record is `phoneE164` (E.164), at most 5. */
  findAccountsByPhone(phoneE164: string): Promise<Account[]>;
  getAccount(id: string): Promise<Account | null>;
  /** The account when the password is right; takes about as long for unknown emails. */
  verifyPassword(email: string, password: string): Promise<Account | null>;
  /** True for a current code not used before (each code works once). */
  verifyTotp(accountId: string, code: string): Promise<boolean>;
  /** verifyPassword behind the failure limit for the email and the client address. */
  attemptPassword(input: { email: string; password: string; clientAddress: string }): Promise<AttemptResult<Account>>;
  /** verifyTotp behind the failure limit for the account and the client address. */
  attemptTotp(input: { accountId: string; code: string; clientAddress: string; knownDevice?: string }): Promise<AttemptResult<true>>;
  /** A new secret to show as a QR code; nothing changes until confirmEnrollment. Throws EnrollmentFrozenError. */
  beginEnrollment(accountId: string): Promise<PendingEnrollment>;
  /** The same pending enrolment again (the page reloaded). Throws EnrollmentExpiredError. */
  reopenEnrollment(accountId: string, pending: string): Promise<PendingEnrollment>;
  /** Stores the pending secret if `code` is current for it. Throws EnrollmentExpiredError. */
  confirmEnrollment(accountId: string, pending: string, code: string): Promise<boolean>;
  /** requireNewFactor then removeMfaFactors, for the CLI and tests (the reset job runs them as recorded steps). */
  removeMfaAndRequireNewDevice(accountId: string): Promise<void>;
  readonly sessions: SessionStore;
}

const FIFTEEN_MIN_MS = 15 * 60_000;
/** RFC 5321's limit on a path, with room for the spaces people paste around an address. */
const MAX_EMAIL_LENGTH = 320;

export function createIdentityService(deps: IdentityServiceDeps): IdentityService {
  const { store, keys, clock, logger } = deps;
  const db = store.db;
  const issuer = deps.issuer ?? 'aizuchi';
  const mfa = createMfa({ store, totpKey: keys.totpEncryption, clock, issuer });
  const sessions = createSessionStore({ db, tokenKey: keys.tokenHmac, clock, ttls: deps.sessionTtls });
  // Failed passwords and codes share the app's database-backed sliding windows (rate_events). Each
  // attempt is counted before it is checked (and taken back if right), so attempts sent all at once
  // cannot all get past the limit.
  const rateLimiter = new RateLimiter(store, clock);
  const beginAttempt = (buckets: string[]) =>
    rateLimiter.tryAcquire(buckets.map((bucket) => ({ bucket, max: deps.limits.loginFailuresPer15Min, windowMs: FIFTEEN_MIN_MS })));
  // Made up front so the first unknown-email sign-in costs one verification, like every other.
  const dummyHash = createDummyHash();
  // Buckets hold keyed hashes, never raw emails or addresses.
  const emailKey = (email: string) => hmacHex(keys.tokenHmac, `email:${normalizeEmail(email)}`);
  const addressKey = (address: string) => hmacHex(keys.tokenHmac, `ip:${rateLimitAddress(address)}`);
  const accountAtAddressKey = (email: string, address: string) =>
    hmacHex(keys.tokenHmac, `email-ip:${normalizeEmail(email)}|${rateLimitAddress(address)}`);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  async function findRowByEmail(email: string) {
    return db.selectFrom('accounts').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
  }

  async function getAccount(id: string): Promise<Account | null> {
    const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toAccount(row) : null;
  }

  async function findAccountsByPhone(phoneE164: string): Promise<Account[]> {
    const rows = await db.selectFrom('accounts').selectAll().where('phone_e164', '=', phoneE164).orderBy('created_at').limit(5).execute();
    return rows.map(toAccount);
  }

  async function findAccountByEmail(email: string): Promise<Account | null> {
    const row = await findRowByEmail(email);
    return row ? toAccount(row) : null;
  }

  async function createAccount(input: CreateAccountInput): Promise<{ account: Account; otpauthUri?: string }> {
    const valid = validateAccountInput(input);
    if (await findRowByEmail(valid.email)) throw new DuplicateEmailError();
    const id = crypto.randomUUID();
    const now = clock.now().toISOString();
    const secret = valid.mfa ? newTotpSecret() : null;
    try {
      await db
        .insertInto('accounts')
        .values({
          id,
          email: valid.email,
          name: valid.name,
          name_kana: valid.nameKana,
          name_latin: valid.nameLatin,
          phone_e164: valid.phoneE164,
          lang: valid.lang,
          role: valid.role,
          password_hash: await hashPassword(valid.password),
          mfa_secret_enc: secret ? mfa.sealSecret(id, secret) : null,
          mfa_enabled: secret ? 1 : 0,
          mfa_enroll_required: 0,
          // Legacy column, kept in step with the role for old readers; privilege is read from the role.
          privileged: isPrivilegedRole(valid.role) ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
    } catch (err) {
      // Two creators racing past the check above.
      if (isUniqueViolation(err)) throw new DuplicateEmailError();
      throw err;
    }
    logger.info({ accountId: id, role: valid.role, pii: { email: maskEmail(valid.email) } }, 'account created');
    const account = await getAccount(id);
    if (!account) throw new AccountNotFoundError();
    return secret ? { account, otpauthUri: totpUri(issuer, valid.email, secret) } : { account };
  }

  async function verifyPassword(email: string, password: string): Promise<Account | null> {
    // No stored password is longer (createAccount refuses them), so an oversized one is wrong for
    // every account alike and is not worth hashing.
    if (password.length > MAX_PASSWORD_LENGTH || email.length > MAX_EMAIL_LENGTH) return null;
    const row = await findRowByEmail(email);
    if (!row) {
      await verifyPasswordHash(await dummyHash, password);
      return null;
    }
    return (await verifyPasswordHash(row.password_hash, password)) ? toAccount(row) : null;
  }

  async function verifyTotpDetailed(accountId: string, code: string): Promise<TotpCheck> {
    const result = await mfa.check(accountId, code);
    if (result === 'replayed') logger.warn({ accountId }, 'totp code replayed');
    return result;
  }

  async function attemptPassword(input: { email: string; password: string; clientAddress: string }) {
    // Counted per account *at this address* and per address: five addresses guessing one account
    // cannot lock its owner out of signing in from their own (issue 7, finding 5). The account-wide
    // count only slows attempts down.
    const accountBucket = `identity:pw:acct:${emailKey(input.email)}`;
    const buckets = [
      `identity:pw:acct-ip:${accountAtAddressKey(input.email, input.clientAddress)}`,
      `identity:pw:ip:${addressKey(input.clientAddress)}`,
    ];
    const attempt = await beginAttempt(buckets);
    if (!attempt.ok) {
      logger.warn('sign-in password attempts limited');
      return { ok: false, reason: 'rate_limited' } as const;
    }
    const delayMs = passwordSlowDownMs(await rateLimiter.count(accountBucket, FIFTEEN_MIN_MS), deps.limits.loginFailuresPer15Min);
    if (delayMs > 0) {
      logger.info({ delayMs }, 'sign-in password attempt slowed down');
      await sleep(delayMs);
    }
    const account = await verifyPassword(input.email, input.password);
    if (!account) {
      await rateLimiter.record([accountBucket]);
      logger.info('sign-in password rejected');
      return { ok: false, reason: 'invalid' } as const;
    }
    await rateLimiter.release(attempt.eventIds);
    // An account that can act on others never gets in on a password alone (issue 7, finding 1). One
    // that must enrol a new device may go on: it cannot reach a full session before it has MFA.
    if (account.privileged && !account.mfaEnabled && !account.mfaEnrollRequired) {
      logger.warn({ accountId: account.id, role: account.role }, 'sign-in refused: privileged account without MFA');
      return { ok: false, reason: 'privileged_without_mfa' } as const;
    }
    logger.info({ accountId: account.id }, 'sign-in password accepted');
    return { ok: true, value: account } as const;
  }

  async function attemptTotp(input: { accountId: string; code: string; clientAddress: string; knownDevice?: string }) {
    // The account-wide count stops distributed code guessing, but anyone holding the password could
    // then lock the owner out (red team round 2). A browser the account completed sign-in on before
    // (a device cookie, OWASP "Slow Down Online Guessing Attacks with Device Cookies") gets its own
    // count instead, so strangers' wrong codes cannot lock it; new browsers still meet the account's.
    const accountSide = input.knownDevice
      ? `identity:mfa:acct-dev:${hmacHex(keys.tokenHmac, `${input.accountId}|${input.knownDevice}`)}`
      : `identity:mfa:acct:${input.accountId}`;
    const buckets = [accountSide, `identity:mfa:ip:${addressKey(input.clientAddress)}`];
    const attempt = await beginAttempt(buckets);
    if (!attempt.ok) {
      logger.warn({ accountId: input.accountId }, 'sign-in code attempts limited');
      return { ok: false, reason: 'rate_limited' } as const;
    }
    if ((await verifyTotpDetailed(input.accountId, input.code)) !== 'ok') {
      logger.info({ accountId: input.accountId }, 'sign-in code rejected');
      return { ok: false, reason: 'invalid' } as const;
    }
    await rateLimiter.release(attempt.eventIds);
    logger.info({ accountId: input.accountId }, 'sign-in code accepted');
    return { ok: true, value: true } as const;
  }

  async function beginEnrollment(accountId: string): Promise<PendingEnrollment> {
    const account = await getAccount(accountId);
    if (!account) throw new AccountNotFoundError();
    if (account.enrolmentFrozen) throw new EnrollmentFrozenError();
    return mfa.begin(accountId, account.email);
  }

  async function reopenEnrollment(accountId: string, pending: string): Promise<PendingEnrollment> {
    const account = await getAccount(accountId);
    if (!account) throw new AccountNotFoundError();
    if (account.enrolmentFrozen) throw new EnrollmentFrozenError();
    return mfa.reopen(accountId, account.email, pending);
  }

  async function confirmEnrollment(accountId: string, pending: string, code: string): Promise<boolean> {
    // Checked again here: a pending enrolment begun before the freeze must not complete after it.
    if ((await getAccount(accountId))?.enrolmentFrozen) throw new EnrollmentFrozenError();
    const ok = await mfa.confirm(accountId, pending, code);
    logger.info({ accountId, ok }, 'mfa enrolment confirmation');
    return ok;
  }

  async function updateAccount(accountId: string, set: { mfa_secret_enc?: null; mfa_enabled?: 0; mfa_enroll_required?: 1 }) {
    const result = await db
      .updateTable('accounts')
      .set({ ...set, updated_at: clock.now().toISOString() })
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AccountNotFoundError();
  }

  async function removeMfaFactors(accountId: string): Promise<void> {
    await updateAccount(accountId, { mfa_secret_enc: null, mfa_enabled: 0 });
    logger.info({ accountId }, 'mfa factors removed');
  }

  async function requireNewFactor(accountId: string): Promise<void> {
    await updateAccount(accountId, { mfa_enroll_required: 1 });
    logger.info({ accountId }, 'new mfa device required');
  }

  async function listMfaFactors(accountId: string): Promise<MfaFactor[]> {
    const account = await getAccount(accountId);
    if (!account) throw new AccountNotFoundError();
    // The embedded provider knows one kind of factor: the TOTP authenticator app.
    return account.mfaEnabled ? [{ id: 'totp', type: 'totp', label: 'authenticator app' }] : [];
  }

  async function setEnrolmentFrozen(accountId: string, frozen: boolean): Promise<void> {
    const now = clock.now().toISOString();
    const result = await db
      .updateTable('accounts')
      .set({ enrolment_frozen_at: frozen ? now : null, updated_at: now })
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AccountNotFoundError();
    logger.info({ accountId, frozen }, 'mfa enrolment freeze changed');
  }

  async function revokeSessions(accountId: string): Promise<void> {
    // The embedded provider's sessions are its only tokens: no refresh tokens to revoke besides.
    await sessions.revokeAll(accountId);
    logger.info({ accountId }, 'sessions revoked');
  }

  function contactOf(account: Account): DirectoryAccount {
    return {
      id: account.id,
      email: account.email,
      phoneE164: account.phoneE164,
      lang: account.lang,
      name: account.name,
      // Only when given: a contact without readings is the same as one from before migration 009.
      ...(account.nameKana ? { nameKana: account.nameKana } : {}),
      ...(account.nameLatin ? { nameLatin: account.nameLatin } : {}),
      privileged: account.privileged,
    };
  }

  async function getContact(accountId: string): Promise<IdentityContact | null> {
    const account = await getAccount(accountId);
    if (!account) return null;
    const { id: _id, ...contact } = contactOf(account);
    return contact;
  }

  async function findByEmail(email: string): Promise<DirectoryAccount | null> {
    if (email.length > MAX_EMAIL_LENGTH) return null;
    const account = await findAccountByEmail(email);
    return account ? contactOf(account) : null;
  }

  return {
    createAccount,
    findAccountByEmail,
    findAccountsByPhone,
    getAccount,
    verifyPassword,
    verifyTotp: async (accountId, code) => (await verifyTotpDetailed(accountId, code)) === 'ok',
    attemptPassword,
    attemptTotp,
    beginEnrollment,
    reopenEnrollment,
    confirmEnrollment,
    kind: 'embedded',
    findByEmail,
    listMfaFactors,
    removeMfaFactors,
    requireNewFactor,
    async removeMfaAndRequireNewDevice(accountId) {
      await requireNewFactor(accountId);
      await removeMfaFactors(accountId);
    },
    revokeSessions,
    freezeEnrolment: (accountId) => setEnrolmentFrozen(accountId, true),
    unfreezeEnrolment: (accountId) => setEnrolmentFrozen(accountId, false),
    getContact,
    signedInSince: (accountId, since) => sessions.signedInSince(accountId, since),
    sessions,
  };
}
