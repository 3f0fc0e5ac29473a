import type { Clock } from '../../domain/clock';
import type { ConsoleRole } from '../../domain/console-roles';

/**
 * Who is at the console on this request: set by the console's gate (operator-sso.ts consoleAccess,
 * which asks identity.ts requireOperator for local accounts), null on every other request. A
 * request decorator (`app.decorateRequest('operator', null)` in app.ts) instead of a side map
 * (issue 10, "Built on Fastify's own tools").
 */
export interface ConsoleOperator {
  /** What the case history records as the actor: the local account id, or `oidc:<sub>` for SSO. */
  id: string;
  role: ConsoleRole;
  /**
   * The last time this person proved who they are in this session: password + TOTP (at sign-in
   * or a re-authentication), or the provider's `auth_time` for SSO. fresh-auth.ts reads it.
   */
  authTime: Date;
  /** The session's public id (what /console/sessions lists and revokes); never the cookie's token. */
  sessionId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The console operator the gate let through on this request; null when it did not run. */
    operator: ConsoleOperator | null;
  }
  interface FastifyInstance {
    /** The app's clock (services.clock; app.ts), for checks made at request time such as fresh-auth. */
    clock: Clock;
  }
}
