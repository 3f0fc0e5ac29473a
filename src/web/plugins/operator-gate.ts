import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Clock } from '../../domain/clock';
import type { ConsoleRole } from '../../domain/console-roles';
import { Refusal } from '../../domain/refusal';
import type { IdentityService } from '../../identity/service';
import { rememberReturnPath } from './return-path';

/** The browser's sign-in session cookie (identity.ts sets it). */
export const SESSION_COOKIE = 'aizuchi_session';

export interface OperatorGateDeps {
  identity: IdentityService;
  clock: Clock;
  /** A local operator's console role (identity/operator-roles.ts); without it every operator is an admin. */
  consoleRoleOf?(accountId: string): Promise<ConsoleRole>;
  /** Console sessions end after this long without a request (ms); unset: no idle limit. */
  idleMs?: number;
  /** Console sessions end this long after sign-in (ms); unset: the store's own TTL. */
  maxAgeMs?: number;
  /** The site is served over https (cookies marked Secure), from the public URL. */
  publicUrl?: string;
}

/**
 * The console's gate for local operators (password + TOTP sessions): `requireOperator` (preHandler:
 * sets request.operator, or redirects to /signin / throws a Refusal, answered 403) and `currentOperator` (a fresh
 * re-read for long-lived streams, touching nothing). Rules: NIST SP 800-63B-4 §2.2.3 (AAL2 idle and
 * absolute reauthentication); an operator without MFA is refused (issue 7, finding 1).
 */
export function createOperatorGate(deps: OperatorGateDeps) {
  const { identity } = deps;
  /** Past the absolute limit (from the sign-in): the gate and a stream's re-read both end there. */
  const tooOld = (session: { authAt?: string | null; createdAt: string }, now: number) =>
    deps.maxAgeMs !== undefined && now - Date.parse(session.authAt ?? session.createdAt) > deps.maxAgeMs;

  const requireOperator: preHandlerAsyncHookHandler = async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE] ?? '';
    const session = token ? await identity.sessions.read(token) : null;
    // A deep link survives sign-in (or a session's end): sign-in returns to it (return-path.ts).
    const toSignin = () => {
      rememberReturnPath(request, reply, deps.publicUrl?.startsWith('https:') ?? false);
      return reply.redirect(`/signin?lang=${request.lang}`, 303);
    };
    if (!session || session.stage !== 'full') return toSignin();
    const now = deps.clock.now().getTime();
    const seen = Date.parse(session.lastSeenAt);
    // Idle expiry (NIST SP 800-63B-4 §2.2.3, AAL2: reauthenticate after 30 minutes of inactivity).
    // Absolute expiry (same source: reauthenticate at least every 12 hours), from the sign-in.
    if (tooOld(session, now) || (deps.idleMs !== undefined && now - seen > deps.idleMs)) {
      await identity.sessions.end(token);
      return toSignin();
    }
    const account = await identity.getAccount(session.accountId);
    if (!account) return toSignin();
    // A customer's session: no console role at all (the refusal page names the console's roles).
    if (account.role !== 'operator') throw new Refusal('needs_role', { role: 'viewer' });
    // A session from before MFA was removed does not open the console either (issue 7, finding 1).
    if (!account.mfaEnabled) throw new Refusal('operators_need_mfa');
    // One write a minute at most: idle expiry is measured to the minute.
    if (now - seen >= 60_000) await identity.sessions.touch(token);
    request.operator = {
      id: account.id,
      role: deps.consoleRoleOf ? await deps.consoleRoleOf(account.id) : 'admin',
      authTime: new Date(session.authAt ?? session.createdAt),
      sessionId: session.publicId,
    };
  };

  async function currentOperator(request: FastifyRequest): Promise<{ id: string; role: ConsoleRole } | undefined> {
    const token = request.cookies[SESSION_COOKIE] ?? '';
    const session = token ? await identity.sessions.read(token) : null;
    if (!session || session.stage !== 'full') return undefined;
    // The absolute limit holds for an open stream too (a feed opened in the last minute of it must not
    // outlive it); the idle limit counts requests, and a stream being watched is not one.
    if (tooOld(session, deps.clock.now().getTime())) return undefined;
    const account = await identity.getAccount(session.accountId);
    if (!account || account.role !== 'operator' || !account.mfaEnabled) return undefined;
    return { id: account.id, role: deps.consoleRoleOf ? await deps.consoleRoleOf(account.id) : 'admin' };
  }

  return { requireOperator, currentOperator };
}
