import { AUDIT_CHAIN_LOCK } from '../audit/audit-log';
import { appendSystemEvent } from '../audit/system-events';
import type { Clock } from '../domain/clock';
import { type ConsoleRole, roleAtLeast } from '../domain/console-roles';
import { maskEmail } from '../domain/phone';
import type { SsoSessions } from '../identity/operator-sso/sso-sessions';
import type { SessionStore } from '../identity/sessions';
import type { Store } from '../store/connect';
import { writeTransaction } from '../store/write-transaction';

/**
 * The audit chain's system event for a console session ended by a person from /console/sessions:
 * data `{actorId, operatorId, sessionId, method}` — who revoked whose session (its public id), never
 * the cookie's token nor its HMAC.
 */
export const CONSOLE_SESSION_REVOKED_EVENT = 'console_session_revoked';

/** How the session was opened: password + TOTP here, or the company's OpenID Connect provider. */
export type SessionMethod = 'local' | 'sso';

/** One live console session as /console/sessions shows it. */
export interface ConsoleSessionRow {
  /** The session's public id (migration 015): what the page names and revokes. */
  publicId: string;
  /** The console principal: a local account id, or `oidc:<sub>`. */
  operatorId: string;
  /** The operator's name and masked address (`o***@corp.example`), for an admin's list; null when unknown. */
  name: string | null;
  maskedEmail: string | null;
  method: SessionMethod;
  /** When the session was opened (the sign-in). */
  createdAt: Date;
  /** The last request it served (the console writes it at most once a minute). */
  lastSeenAt: Date;
  userAgent: string | null;
}

/** Who asks: the principal id and console role the gate gave the request (request.operator). */
export interface SessionActor {
  id: string;
  role: ConsoleRole;
}

/** Why a revoke did nothing: no live session with that id, or one the actor may not end. */
export type RevokeRefusal = 'not_found' | 'forbidden';

export interface ConsoleSessions {
  /** Live console sessions of `operatorId`, newest first; of every operator when `operatorId` is omitted. */
  list(operatorId?: string): Promise<ConsoleSessionRow[]>;
  /**
   * Ends the session `publicId` if `actor` may (their own; an admin any operator's). The session's
   * removal and a CONSOLE_SESSION_REVOKED_EVENT commit in one write transaction. Returns the revoked
   * row, or the refusal (nothing changed).
   */
  revoke(actor: SessionActor, publicId: string): Promise<ConsoleSessionRow | RevokeRefusal>;
  /** Ends every session of `actor` but `keepPublicId` ("sign out everywhere else"), one event each, one transaction; how many. */
  revokeOthers(actor: SessionActor, keepPublicId: string): Promise<number>;
}

export interface ConsoleSessionsDeps {
  store: Store;
  /** Local sessions (password + TOTP). */
  local: SessionStore;
  /** SSO sessions; absent when no OpenID Connect provider is configured. */
  sso?: SsoSessions;
  clock: Clock;
  /** The console's idle and absolute limits (ms): a session past either is ended at its next request, so it is not listed. */
  idleMs?: number;
  maxAgeMs?: number;
}

/**
 * Console sessions of both kinds behind one list and one revoke (issue 10, "sessions are listed and
 * revocable"). Revocation is a database write every process reads on its next request (the console
 * gates read the session row each time; open streams re-read it every 5 s), so it takes effect
 * everywhere at once.
 */
export function createConsoleSessions(deps: ConsoleSessionsDeps): ConsoleSessions {
  const { store, local, sso, clock } = deps;

  /**
   * A session the console's gate would still let through now: idle limit from its last request,
   * absolute limit from `since` (a local session's last password + TOTP, identity.ts requireOperator;
   * an SSO session's start, operator-sso.ts consoleAccess).
   */
  function alive(r: ConsoleSessionRow, since: Date): boolean {
    const now = clock.now().getTime();
    if (deps.idleMs !== undefined && now - r.lastSeenAt.getTime() > deps.idleMs) return false;
    return deps.maxAgeMs === undefined || now - since.getTime() <= deps.maxAgeMs;
  }

  async function list(operatorId?: string): Promise<ConsoleSessionRow[]> {
    const rows: ConsoleSessionRow[] = [];
    const add = (row: ConsoleSessionRow, since: Date) => {
      if (alive(row, since)) rows.push(row);
    };
    if (operatorId === undefined || !operatorId.startsWith('oidc:')) {
      // Only operator accounts: a customer's session never shows on the console.
      let q = store.db.selectFrom('accounts').select(['id', 'email', 'name']).where('role', '=', 'operator');
      if (operatorId !== undefined) q = q.where('id', '=', operatorId);
      const operators = new Map((await q.execute()).map((a) => [a.id, a]));
      for (const s of await local.listFull([...operators.keys()])) {
        const who = operators.get(s.accountId);
        const row: ConsoleSessionRow = {
          publicId: s.publicId,
          operatorId: s.accountId,
          name: who?.name ?? null,
          maskedEmail: who ? maskEmail(who.email) : null,
          method: 'local',
          createdAt: new Date(s.createdAt),
          lastSeenAt: new Date(s.lastSeenAt),
          userAgent: s.userAgent,
        };
        add(row, new Date(s.authAt ?? s.createdAt));
      }
    }
    if (sso && (operatorId === undefined || operatorId.startsWith('oidc:'))) {
      for (const s of await sso.list()) {
        const id = `oidc:${s.subject}`;
        if (operatorId !== undefined && id !== operatorId) continue;
        const row: ConsoleSessionRow = {
          publicId: s.publicId,
          operatorId: id,
          name: s.name,
          maskedEmail: s.email ? maskEmail(s.email) : null,
          method: 'sso',
          createdAt: s.createdAt,
          lastSeenAt: s.lastSeenAt,
          userAgent: s.userAgent,
        };
        add(row, s.createdAt);
      }
    }
    return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  }

  /** Revokes `targets` and records one event each, in one transaction; the ones that were still live. */
  function revokeAll(actor: SessionActor, targets: ConsoleSessionRow[]): Promise<ConsoleSessionRow[]> {
    if (targets.length === 0) return Promise.resolve([]);
    return writeTransaction(
      store,
      async (trx) => {
        const done: ConsoleSessionRow[] = [];
        for (const t of targets) {
          const from = t.method === 'sso' ? sso : local;
          const owner = await from?.revokeIn(trx, t.publicId, t.operatorId);
          if (owner == null) continue;
          await appendSystemEvent(trx, store.dialect, {
            kind: CONSOLE_SESSION_REVOKED_EVENT,
            actorId: actor.id,
            data: { operatorId: t.operatorId, sessionId: t.publicId, method: t.method },
            at: clock.now(),
          });
          done.push(t);
        }
        return done;
      },
      AUDIT_CHAIN_LOCK,
    );
  }

  return {
    list,
    async revoke(actor, publicId) {
      const target = (await list(roleAtLeast(actor.role, 'admin') ? undefined : actor.id)).find((s) => s.publicId === publicId);
      if (!target) {
        // Someone else's session is refused as such; an unknown or ended one is simply not there.
        const anyone = roleAtLeast(actor.role, 'admin') ? undefined : (await list()).find((s) => s.publicId === publicId);
        return anyone ? 'forbidden' : 'not_found';
      }
      const [done] = await revokeAll(actor, [target]);
      return done ?? 'not_found';
    },
    async revokeOthers(actor, keepPublicId) {
      const mine = (await list(actor.id)).filter((s) => s.publicId !== keepPublicId);
      return (await revokeAll(actor, mine)).length;
    },
  };
}
