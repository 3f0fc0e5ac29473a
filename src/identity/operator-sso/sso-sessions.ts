import type { Kysely } from 'kysely';
import type { Clock } from '../../domain/clock';
import { hmacHex, newToken } from '../../security/keys';
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
}

export interface SsoSessions {
  /** Opens a session for `ttlMs`; returns the cookie's token (only its HMAC is stored). */
  create(s: Omit<SsoSession, 'expiresAt'>, ttlMs: number): Promise<{ token: string; expiresAt: Date }>;
  /** The unexpired session for `token`, or null. */
  read(token: string): Promise<SsoSession | null>;
  end(token: string): Promise<void>;
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
      if (!row || !isConsoleRole(row.role)) return null;
      return {
        issuer: row.issuer,
        subject: row.subject,
        email: row.email,
        name: row.name,
        role: row.role,
        expiresAt: new Date(row.expires_at),
      };
    },
    async end(token) {
      await db.deleteFrom('operator_sso_sessions').where('token_hash', '=', hash(token)).execute();
    },
    prune: () => pruneExpiredSsoSessions(db, clock),
  };
}

/** Deletes SSO sessions past their expiry (hourly, with the spent hand-off ids); returns how many. */
export async function pruneExpiredSsoSessions(db: Kysely<Database>, clock: Clock): Promise<number> {
  const result = await db.deleteFrom('operator_sso_sessions').where('expires_at', '<=', clock.now().toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
