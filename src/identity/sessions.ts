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

/** The longest User-Agent kept with a session (characters); the rest is cut. */
export const USER_AGENT_MAX = 512;

export interface SessionStore {
  /** `userAgent`: the browser's User-Agent header, kept (cut to USER_AGENT_MAX) for /console/sessions. */
  create(accountId: string, stage: SessionStage, passwordVerifiedAt: Date | null, userAgent?: string): Promise<IssuedSession>;
  read(token: string): Promise<SessionInfo | null>;
  /** Ends the 'password'-stage session and issues a fresh 'full' one (a new token, against fixation; the same User-Agent). */
  promote(token: string): Promise<IssuedSession | null>;
  end(token: string): Promise<void>;
  revokeAll(accountId: string): Promise<void>;
  /** Whether a 'full' session was created for the account strictly after `since` (revoked or not). */
  signedInSince(accountId: string, since: Date): Promise<boolean>;
  /** Records that the session served a request now (idle expiry reads it). */
  touch(token: string): Promise<void>;
  /** Records a fresh authentication (a re-authentication with password + TOTP) now. */
  reauthenticated(token: string): Promise<void>;
  /** Live 'full' sessions (not revoked, not expired), newest first; of `accountIds` when given. */
  listFull(accountIds?: readonly string[]): Promise<ListedSession[]>;
  /** Revokes the live session with this public id; its account id, or null when there was none. */
  revoke(publicId: string): Promise<string | null>;
  /**
   * revoke() inside the caller's transaction `trx` (so an audit event can commit with it); only a
   * session of account `onlyOf` when given. Its account id, or null when no live session matched.
   */
  revokeIn(trx: Kysely<Database>, publicId: string, onlyOf?: string): Promise<string | null>;
}

/** A session as /console/sessions lists it: ids and ISO-8601 UTC times, never a token or its hash. */
export interface ListedSession {
  publicId: string;
  accountId: string;
  createdAt: string;
  authAt: string | null;
  lastSeenAt: string;
  expiresAt: string;
  /** The User-Agent the session was opened with (migration 019); null when unknown. */
  userAgent: string | null;
}

/** Sessions keyed by the HMAC of their token, so a database leak yields no usable cookie. */
export function createSessionStore(deps: { db: Kysely<Database>; tokenKey: Buffer; clock: Clock; ttls?: SessionTtls }): SessionStore {
  const { db, tokenKey, clock } = deps;
  const ttls = deps.ttls ?? DEFAULT_SESSION_TTLS;
  const idHash = (token: string) => hmacHex(tokenKey, `session:${token}`);

  async function create(
    accountId: string,
    stage: SessionStage,
    passwordVerifiedAt: Date | null,
    userAgent?: string,
  ): Promise<IssuedSession> {
    const now = clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + (stage === 'full' ? ttls.fullMs : ttls.passwordStageMs));
    const at = now.toISOString();
    await db
      .insertInto('sessions')
      .values({
        id_hash: idHash(token),
        account_id: accountId,
        stage,
        password_verified_at: passwordVerifiedAt?.toISOString() ?? null,
        created_at: at,
        expires_at: expiresAt.toISOString(),
        revoked_at: null,
        public_id: newToken().slice(0, 16),
        // A 'full' session is issued right after the second factor (or by a test standing in for it).
        auth_at: stage === 'full' ? at : null,
        last_seen_at: at,
        user_agent: userAgent ? userAgent.slice(0, USER_AGENT_MAX) : null,
      })
      .execute();
    return { token, expiresAt };
  }

  async function read(token: string): Promise<SessionInfo | null> {
    if (token === '') return null;
    const row = await db
      .selectFrom('sessions')
      .select([
        'account_id',
        'stage',
        'password_verified_at',
        'expires_at',
        'public_id',
        'auth_at',
        'last_seen_at',
        'created_at',
        'user_agent',
      ])
      .where('id_hash', '=', idHash(token))
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', clock.now().toISOString())
      .executeTakeFirst();
    if (!row || (row.stage !== 'password' && row.stage !== 'full')) return null;
    return {
      accountId: row.account_id,
      stage: row.stage,
      passwordVerifiedAt: row.password_verified_at,
      expiresAt: row.expires_at,
      publicId: row.public_id ?? '',
      authAt: row.auth_at,
      lastSeenAt: row.last_seen_at ?? row.created_at,
      createdAt: row.created_at,
      userAgent: row.user_agent ?? null,
    };
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
    return create(current.accountId, 'full', verifiedAt, current.userAgent ?? undefined);
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

  const setOnLive = (token: string, values: { last_seen_at?: string; auth_at?: string }) =>
    db.updateTable('sessions').set(values).where('id_hash', '=', idHash(token)).where('revoked_at', 'is', null).execute();

  async function listFull(accountIds?: readonly string[]): Promise<ListedSession[]> {
    if (accountIds && accountIds.length === 0) return [];
    let q = db
      .selectFrom('sessions')
      .select(['public_id', 'account_id', 'created_at', 'auth_at', 'last_seen_at', 'expires_at', 'user_agent'])
      .where('stage', '=', 'full')
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', clock.now().toISOString())
      .where('public_id', 'is not', null);
    if (accountIds) q = q.where('account_id', 'in', accountIds);
    const rows = await q.orderBy('created_at', 'desc').execute();
    return rows.map((r) => ({
      publicId: r.public_id ?? '',
      accountId: r.account_id,
      createdAt: r.created_at,
      authAt: r.auth_at,
      lastSeenAt: r.last_seen_at ?? r.created_at,
      expiresAt: r.expires_at,
      userAgent: r.user_agent ?? null,
    }));
  }

  async function revokeIn(trx: Kysely<Database>, publicId: string, onlyOf?: string): Promise<string | null> {
    let q = trx
      .updateTable('sessions')
      .set({ revoked_at: clock.now().toISOString() })
      .where('public_id', '=', publicId)
      .where('revoked_at', 'is', null);
    if (onlyOf !== undefined) q = q.where('account_id', '=', onlyOf);
    const row = await q.returning('account_id').executeTakeFirst();
    return row?.account_id ?? null;
  }

  return {
    create,
    read,
    promote,
    end,
    revokeAll,
    signedInSince,
    touch: async (token) => void (await setOnLive(token, { last_seen_at: clock.now().toISOString() })),
    reauthenticated: async (token) => void (await setOnLive(token, { auth_at: clock.now().toISOString() })),
    listFull,
    revoke: (publicId) => revokeIn(db, publicId),
    revokeIn,
  };
}
