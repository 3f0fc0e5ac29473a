import type { Clock } from '../domain/clock';
import type { Store } from '../store/connect';
import { writeTransaction } from '../store/write-transaction';
import { EnrollmentExpiredError } from './errors';
import { SecretBoxError, open, seal } from './secret-box';
import { TOTP_PERIOD_SEC, matchTotpStep, newTotpSecret, totpUri } from './totp';
import { deriveKeys } from '../security/keys';

/** A pending enrolment (the QR on screen) must be confirmed within this time. */
export const ENROLLMENT_TTL_MS = 15 * 60_000;
/** Serialises replay checks on PostgreSQL (advisory lock key; any constant unique to this use). */
const TOTP_REPLAY_LOCK_KEY = 0x70_7470;

export interface PendingEnrollment {
  secretBase32: string;
  otpauthUri: string;
  /** Opaque, sealed with the TOTP key and bound to the account; the caller keeps it until confirmation. */
  pending: string;
}

export type TotpCheck = 'ok' | 'invalid' | 'replayed' | 'not_enrolled';

/**
 * TOTP secrets at rest (AES-256-GCM, bound to the account id), code checks with replay protection,
 * and enrolment. The last accepted time step per account lives in `rate_events` under
 * `identity:totp-used:<id>` with `at` = the step's start, so no extra table is needed.
 */
/** The additional data a TOTP secret is sealed with: binds it to its account. */
const totpSecretContext = (accountId: string) => `totp:${accountId}`;

export function createMfa(deps: { store: Store; totpKey: Buffer; clock: Clock; issuer: string }) {
  const { store, totpKey, clock, issuer } = deps;
  const secretContext = totpSecretContext;
  const enrollContext = (accountId: string) => `enroll:${accountId}`;
  const usedBucket = (accountId: string) => `identity:totp-used:${accountId}`;

  function sealSecret(accountId: string, secretBase32: string): string {
    return seal(totpKey, secretBase32, secretContext(accountId));
  }

  function openSecret(accountId: string, sealed: string): string {
    return open(totpKey, sealed, secretContext(accountId));
  }

  /** Accepts a step only if it is later than every step accepted before (RFC 6238 §5.2). */
  async function consumeStep(accountId: string, step: number): Promise<boolean> {
    const bucket = usedBucket(accountId);
    const stepAt = new Date(step * TOTP_PERIOD_SEC * 1000).toISOString();
    return writeTransaction(
      store,
      async (trx) => {
        const used = await trx
          .selectFrom('rate_events')
          .select('id')
          .where('bucket', '=', bucket)
          .where('at', '>=', stepAt)
          .executeTakeFirst();
        if (used) return false;
        await trx.insertInto('rate_events').values({ bucket, at: stepAt }).execute();
        await trx.deleteFrom('rate_events').where('bucket', '=', bucket).where('at', '<', stepAt).execute();
        return true;
      },
      TOTP_REPLAY_LOCK_KEY,
    );
  }

  async function check(accountId: string, code: string): Promise<TotpCheck> {
    const row = await store.db
      .selectFrom('accounts')
      .select(['mfa_secret_enc', 'mfa_enabled'])
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (!row || row.mfa_enabled !== 1 || row.mfa_secret_enc === null) return 'not_enrolled';
    const secret = openSecret(accountId, row.mfa_secret_enc);
    const step = matchTotpStep(secret, code, clock.now());
    if (step === null) return 'invalid';
    return (await consumeStep(accountId, step)) ? 'ok' : 'replayed';
  }

  function begin(accountId: string, email: string): PendingEnrollment {
    const secretBase32 = newTotpSecret();
    const expiresAtMs = clock.now().getTime() + ENROLLMENT_TTL_MS;
    const pending = seal(totpKey, JSON.stringify({ s: secretBase32, e: expiresAtMs }), enrollContext(accountId));
    return { secretBase32, otpauthUri: totpUri(issuer, email, secretBase32), pending };
  }

  function reopen(accountId: string, email: string, pending: string): PendingEnrollment {
    const secretBase32 = openPending(accountId, pending);
    return { secretBase32, otpauthUri: totpUri(issuer, email, secretBase32), pending };
  }

  /** The secret of a pending enrolment, or EnrollmentExpiredError. */
  function openPending(accountId: string, pending: string): string {
    try {
      const data = JSON.parse(open(totpKey, pending, enrollContext(accountId))) as { s?: unknown; e?: unknown };
      if (typeof data.s !== 'string' || typeof data.e !== 'number' || data.e < clock.now().getTime()) {
        throw new EnrollmentExpiredError();
      }
      return data.s;
    } catch (err) {
      if (err instanceof SecretBoxError || err instanceof SyntaxError) throw new EnrollmentExpiredError();
      throw err;
    }
  }

  /**
   * Confirms with a current code; on success the new secret replaces any old one. Steps used with an
   * old secret say nothing about the new one, so the replay record restarts at the confirming step.
   */
  async function confirm(accountId: string, pending: string, code: string): Promise<boolean> {
    const secret = openPending(accountId, pending);
    const step = matchTotpStep(secret, code, clock.now());
    if (step === null) return false;
    const bucket = usedBucket(accountId);
    const now = clock.now().toISOString();
    await writeTransaction(
      store,
      async (trx) => {
        await trx
          .updateTable('accounts')
          .set({ mfa_secret_enc: sealSecret(accountId, secret), mfa_enabled: 1, mfa_enroll_required: 0, updated_at: now })
          .where('id', '=', accountId)
          .execute();
        await trx.deleteFrom('rate_events').where('bucket', '=', bucket).execute();
        await trx
          .insertInto('rate_events')
          .values({ bucket, at: new Date(step * TOTP_PERIOD_SEC * 1000).toISOString() })
          .execute();
      },
      TOTP_REPLAY_LOCK_KEY,
    );
    return true;
  }

  return { sealSecret, openSecret, check, begin, reopen, confirm };
}

export type Mfa = ReturnType<typeof createMfa>;

/** Sealed secrets tried by keyOpensSealedSecrets: one damaged row must not refuse the right key. */
const WITNESS_ROWS = 3;

/**
 * security/key-check.ts's witness before a database's first key record: whether `master` opens the
 * TOTP secrets already sealed in `store` (AES-GCM under its HKDF subkey: a wrong key opens none).
 * True when any of the first WITNESS_ROWS opens, or when nothing is sealed yet (a new database).
 */
export function keyOpensSealedSecrets(store: Store): (master: Buffer) => Promise<boolean> {
  return async (master) => {
    const rows = await store.db
      .selectFrom('accounts')
      .select(['id', 'mfa_secret_enc'])
      .where('mfa_secret_enc', 'is not', null)
      .orderBy('id')
      .limit(WITNESS_ROWS)
      .execute();
    if (rows.length === 0) return true;
    const totpKey = deriveKeys(master).totpEncryption;
    return rows.some((r) => {
      try {
        open(totpKey, r.mfa_secret_enc!, totpSecretContext(r.id));
        return true;
      } catch {
        return false;
      }
    });
  };
}
