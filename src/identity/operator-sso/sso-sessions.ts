import type { Kysely } from 'kysely';
import type { Clock } from '../../domain/clock';
import { hmacHex, newToken } from '../../security/keys';
import { USER_AGENT_MAX } from '../sessions';
import type { Database } from '../../store/schema';
import { type ConsoleRole, isConsoleRole } from '../../domain/console-roles';

/** A console session opened through the company's OpenID Connect provider. */
export interface SsoSession {
  issuer: string;
  /** The provider's `sub` for the person. */
  subject: string;
  email: string | null;
  name: string | null;
  role: ConsoleRole;
  expiresAt: Date;
  /** What /console/sessions shows and revokes (migration 015). */
  publicId: string;
  /** The provider's auth_time: when the person last signed in at the provider (else the session's start). */
  authAt: Date;
  /** The last request the session served (idle expiry). */
  lastSeenAt: Date;
  createdAt: Date;
  /** The User-Agent the session was opened with (migration 019); null when unknown. */
  userAgent: string | null;
}

/** What opening a session takes: the person, and when the provider says they authenticated (default now). */
export type NewSsoSession = Omit<SsoSession, 'expiresAt' | 'publicId' | 'lastSeenAt' | 'createdAt' | 'authAt' | 'userAgent'> & {
  authAt?: Date;
  /** The browser's User-Agent header (cut to USER_AGENT_MAX characters). */
  userAgent?: string;
};

export interface SsoSessions {
  /** Opens a session for `ttlMs`; returns the cookie's token (only its HMAC is stored). */
  create(s: NewSsoSession, ttlMs: number): Promise<{ token: string; expiresAt: Date }>;
  /** The unexpired session for `token`, or null. */
  read(token: string): Promise<SsoSession | null>;
  end(token: string): Promise<void>;
  /** Records that the session served a request now. */
  touch(token: string): Promise<void>;
  /** Records a re-authentication at the provider (its auth_time, kept no later than now). */
  reauthenticated(token: string, authAt: Date): Promise<void>;
  /** Unexpired sessions, newest first; only `subject`'s (with its issuer) when given. */
  list(who?: { issuer: string; subject: string }): Promise<SsoSession[]>;
  /** Ends the session with this public id; the principal id (`oidc:<sub>`) it belonged to, or null. */
  revoke(publicId: string): Promise<string | null>;
  /** revoke() inside the caller's transaction `trx`; only a session of principal `onlyOf` (`oidc:<sub>`) when given. */
  revokeIn(trx: Kysely<Database>, publicId: string, onlyOf?: string): Promise<string | null>;
  /** Deletes expired sessions; returns how many. */
  prune(): Promise<number>;
}

/**
 * SSO sessions in `operator_sso_sessions` (migration 007), keyed by HMAC(tokenKey, token) as local
 * sessions are, so a database dump opens no console. The role is the one mapped at sign-in: a change
 * of groups at the provider takes effect at the next sign-in (sessions last hours, not days).
 */
export function dbSsoSessions(db: Kysely<Database>, tokenKey: Buffer, clock: Clock): SsoSessions {
  const hash = (token: string) => hmacHex(tokenKey, `sso-session:${token}`);
  const revokeIn: SsoSessions['revokeIn'] = async (trx, publicId, onlyOf) => {
    let q = trx.deleteFrom('operator_sso_sessions').where('public_id', '=', publicId).where('expires_at', '>', clock.now().toISOString());
    if (onlyOf !== undefined) {
      if (!onlyOf.startsWith('oidc:')) return null;
      q = q.where('subject', '=', onlyOf.slice('oidc:'.length));
    }
    const row = await q.returning('subject').executeTakeFirst();
    return row ? `oidc:${row.subject}` : null;
  };
  return {
    async create(s, ttlMs) {
      const token = newToken();
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + ttlMs);
      await db
        .insertInto('operator_sso_sessions')
        .values({
          token_hash: hash(token),
          issuer: s.issuer,
          subject: s.subject,
          email: s.email,
          name: s.name,
          role: s.role,
          created_at: now.toISOString(),
          expires_at: expiresAt.toISOString(),
          public_id: newToken().slice(0, 16),
          auth_at: notAfter(s.authAt ?? now, now).toISOString(),
          last_seen_at: now.toISOString(),
          user_agent: s.userAgent ? s.userAgent.slice(0, USER_AGENT_MAX) : null,
        })
        .execute();
      return { token, expiresAt };
    },
    async read(token) {
      if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return null;
      const row = await db
        .selectFrom('operator_sso_sessions')
        .selectAll()
        .where('token_hash', '=', hash(token))
        .where('expires_at', '>', clock.now().toISOString())
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },
    async end(token) {
      await db.deleteFrom('operator_sso_sessions').where('token_hash', '=', hash(token)).execute();
    },
    async touch(token) {
      await db
        .updateTable('operator_sso_sessions')
        .set({ last_seen_at: clock.now().toISOString() })
        .where('token_hash', '=', hash(token))
        .execute();
    },
    async reauthenticated(token, authAt) {
      await db
        .updateTable('operator_sso_sessions')
        .set({ auth_at: notAfter(authAt, clock.now()).toISOString() })
        .where('token_hash', '=', hash(token))
        .execute();
    },
    async list(who) {
      let q = db.selectFrom('operator_sso_sessions').selectAll().where('expires_at', '>', clock.now().toISOString());
      if (who) q = q.where('issuer', '=', who.issuer).where('subject', '=', who.subject);
      const rows = await q.orderBy('created_at', 'desc').execute();
      return rows.map(toSession).filter((r): r is SsoSession => r !== null);
    },
    revoke: (publicId) => revokeIn(db, publicId),
    revokeIn,
    prune: () => pruneExpiredSsoSessions(db, clock),
  };
}

/** Deletes SSO sessions past their expiry (hourly, with the spent hand-off ids); returns how many. */
export async function pruneExpiredSsoSessions(db: Kysely<Database>, clock: Clock): Promise<number> {
  const result = await db.deleteFrom('operator_sso_sessions').where('expires_at', '<=', clock.now().toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A stored row as the app sees it; null when its role is not one the console knows (a hand-edited row). */
function toSession(row: Database['operator_sso_sessions']): SsoSession | null {
  if (!isConsoleRole(row.role)) return null;
  const created = new Date(row.created_at);
  return {
    issuer: row.issuer,
    subject: row.subject,
    email: row.email,
    name: row.name,
    role: row.role,
    expiresAt: new Date(row.expires_at),
    publicId: row.public_id ?? '',
    authAt: row.auth_at ? new Date(row.auth_at) : created,
    lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at) : created,
    createdAt: created,
    userAgent: row.user_agent ?? null,
  };
}

/**
 * The provider's auth_time, never later than `now`: a provider clock ahead of ours (or a token
 * minted with a later auth_time) would otherwise keep a session "freshly signed in" for the whole
 * skew on top of requireFreshAuth's 5 minutes (issue 10, attack: re-authentication).
 */
function notAfter(authAt: Date, now: Date): Date {
  return authAt.getTime() > now.getTime() ? now : authAt;
}
