import type { Kysely } from 'kysely';
import type { Clock } from '../domain/clock';
import { hmacHex, newToken } from '../security/keys';
import type { Database } from '../store/schema';
import type { SessionInfo, SessionStage } from './types';

export interface SessionTtls {
  /** Between a correct password and the second factor. */
  passwordStageMs: number;
  /** A signed-in session. */
  fullMs: number;
}

export const DEFAULT_SESSION_TTLS: SessionTtls = { passwordStageMs: 10 * 60_000, fullMs: 12 * 60 * 60_000 };

export interface IssuedSession {
  /** Goes into the cookie; never stored. */
  token: string;
  expiresAt: Date;
}

export interface SessionStore {
  create(accountId: string, stage: SessionStage, passwordVerifiedAt: Date | null): Promise<IssuedSession>;
  read(token: string): Promise<SessionInfo | null>;
  /** Ends the 'password'-stage session and issues a fresh 'full' one (a new token, against fixation). */
  promote(token: string): Promise<IssuedSession | null>;
  end(token: string): Promise<void>;
  revokeAll(accountId: string): Promise<void>;
  /** Whether a 'full' session was created for the account strictly after `since` (revoked or not). */
  signedInSince(accountId: string, since: Date): Promise<boolean>;
}

/** Sessions keyed by the HMAC of their token, so a database leak yields no usable cookie. */
export function createSessionStore(deps: { db: Kysely<Database>; tokenKey: Buffer; clock: Clock; ttls?: SessionTtls }): SessionStore {
  const { db, tokenKey, clock } = deps;
  const ttls = deps.ttls ?? DEFAULT_SESSION_TTLS;
  const idHash = (token: string) => hmacHex(tokenKey, `session:${token}`);

  async function create(accountId: string, stage: SessionStage, passwordVerifiedAt: Date | null): Promise<IssuedSession> {
    const now = clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + (stage === 'full' ? ttls.fullMs : ttls.passwordStageMs));
    await db
      .insertInto('sessions')
      .values({
        id_hash: idHash(token),
        account_id: accountId,
        stage,
        password_verified_at: passwordVerifiedAt?.toISOString() ?? null,
        created_at: now.toISOString(),
        expires_at: expiresAt.toISOString(),
        revoked_at: null,
      })
      .execute();
    return { token, expiresAt };
  }

  async function read(token: string): Promise<SessionInfo | null> {
    if (token === '') return null;
    const row = await db
      .selectFrom('sessions')
      .select(['account_id', 'stage', 'password_verified_at', 'expires_at'])
      .where('id_hash', '=', idHash(token))
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', clock.now().toISOString())
      .executeTakeFirst();
    if (!row || (row.stage !== 'password' && row.stage !== 'full')) return null;
    return { accountId: row.account_id, stage: row.stage, passwordVerifiedAt: row.password_verified_at, expiresAt: row.expires_at };
  }

  async function end(token: string): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ revoked_at: clock.now().toISOString() })
      .where('id_hash', '=', idHash(token))
      .where('revoked_at', 'is', null)
      .execute();
  }

  async function promote(token: string): Promise<IssuedSession | null> {
    const current = await read(token);
    if (!current) return null;
    await end(token);
    const verifiedAt = current.passwordVerifiedAt ? new Date(current.passwordVerifiedAt) : null;
    return create(current.accountId, 'full', verifiedAt);
  }

  async function revokeAll(accountId: string): Promise<void> {
    await db
      .updateTable('sessions')
      .set({ revoked_at: clock.now().toISOString() })
      .where('account_id', '=', accountId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async function signedInSince(accountId: string, since: Date): Promise<boolean> {
    const row = await db
      .selectFrom('sessions')
      .select('id_hash')
      .where('account_id', '=', accountId)
      .where('stage', '=', 'full')
      .where('created_at', '>', since.toISOString())
      .executeTakeFirst();
    return row !== undefined;
  }

  return { create, read, promote, end, revokeAll, signedInSince };
}
