import crypto from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Lang } from '../../domain/lang';
import { errorFields } from '../../domain/errors';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import { type OidcFlow, type OidcSignIn, OidcProviderError } from '../../identity/operator-sso/oidc-sign-in';
import type { SsoSessions } from '../../identity/operator-sso/sso-sessions';
import { hmacHex } from '../../security/keys';
import { messagePage } from '../pages/recovery/recovery-pages';
import { strings } from '../pages/identity/strings';
import { applyStoredLang } from '../request-lang';

export const SSO_SESSION_COOKIE = 'aizuchi_sso_session';
const SSO_FLOW_COOKIE = 'aizuchi_sso_flow';
/** The round trip through the provider's login page must finish within this (ms). */
const FLOW_TTL_MS = 10 * 60_000;
/** A console session through SSO lasts a working day; groups are read again at the next sign-in. */
export const SSO_SESSION_TTL_MS = 8 * 3_600_000;

/** Who is at the console on this request: a local operator account or a person from the company's SSO. */
export interface ConsolePrincipal {
  /** What the case history records as the actor: the local account id, or `oidc:<sub>`. */
  id: string;
  role: ConsoleRole;
}

export interface OperatorSsoDeps {
  signIn: OidcSignIn;
  sessions: SsoSessions;
  /** Signs the flow cookie (keys.tokenHmac). */
  key: Buffer;
  publicUrl: string;
  clock: { now(): Date };
  /** How long a new SSO session lasts (ms); default and ceiling SSO_SESSION_TTL_MS (8 h). */
  sessionTtlMs?: number;
}

export interface OperatorSso {
  /** GET /signin/sso and GET /signin/sso/callback. */
  plugin: FastifyPluginAsync;
  /** The SSO session in this browser, if any. */
  session(request: FastifyRequest): ReturnType<SsoSessions['read']>;
  /** Ends this browser's SSO session (POST /signout calls it). */
  signOut(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Records that this browser's SSO session served a request now (idle expiry). */
  touch(request: FastifyRequest): Promise<void>;
}

/**
 * Operator sign-in through the company's OpenID Connect provider (issue 12). `/signin/sso` starts an
 * authorization code flow with PKCE, state and nonce, kept in a signed HttpOnly cookie for the round
 * trip; `/signin/sso/callback` redeems the code, maps the group claim to a console role and opens a
 * session (a cookie whose token only the HMAC of is stored). A person in no mapped group is refused.
 */
export function createOperatorSso(deps: OperatorSsoDeps): OperatorSso {
  const secure = deps.publicUrl.startsWith('https:');
  const sign = (body: string) => hmacHex(deps.key, `sso-flow:${body}`);
  const sendPage = (reply: FastifyReply, status: number, lang: Lang, message: string) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(messagePage(lang, strings(lang).ssoTitle, message, 'error'));

  function readFlow(request: FastifyRequest): (OidcFlow & { lang: Lang }) | null {
    const raw = request.cookies[SSO_FLOW_COOKIE];
    if (typeof raw !== 'string' || raw.length > 2048) return null;
    const [body, mac] = raw.split('.');
    if (!body || !mac) return null;
    const expected = Buffer.from(sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    try {
      const f = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as OidcFlow & { lang: Lang; x: number };
      return f.x > deps.clock.now().getTime() ? { codeVerifier: f.codeVerifier, state: f.state, nonce: f.nonce, lang: f.lang } : null;
    } catch {
      return null;
    }
  }

  const session = (request: FastifyRequest) => {
    const token = request.cookies[SSO_SESSION_COOKIE];
    return token ? deps.sessions.read(token) : Promise.resolve(null);
  };

  const plugin: FastifyPluginAsync = async (app) => {
    app.get('/signin/sso', async (request, reply) => {
      const lang = request.lang;
      let started;
      try {
        started = await deps.signIn.start();
      } catch (err) {
        if (!(err instanceof OidcProviderError)) throw err;
        request.log.warn(errorFields(err), 'operator SSO: provider unavailable');
        return sendPage(reply, 503, lang, strings(lang).ssoUnavailable);
      }
      const body = Buffer.from(JSON.stringify({ ...started.flow, lang, x: deps.clock.now().getTime() + FLOW_TTL_MS })).toString(
        'base64url',
      );
      // Lax: the provider's redirect back is a top-level GET navigation, which carries Lax cookies.
      reply.setCookie(SSO_FLOW_COOKIE, `${body}.${sign(body)}`, {
        path: '/signin/sso',
        httpOnly: true,
        sameSite: 'lax',
        secure,
        maxAge: FLOW_TTL_MS / 1000,
      });
      return reply.header('cache-control', 'no-store').redirect(started.url.href, 303);
    });

    app.get('/signin/sso/callback', async (request, reply) => {
      const flow = readFlow(request);
      reply.clearCookie(SSO_FLOW_COOKIE, { path: '/signin/sso' });
      const lang = flow?.lang ?? request.lang;
      const t = strings(lang);
      if (!flow) return sendPage(reply, 400, lang, t.ssoExpired);
      let who;
      try {
        who = await deps.signIn.finish(new URL(request.url, deps.publicUrl), flow);
      } catch (err) {
        const unavailable = err instanceof OidcProviderError;
        request.log.warn(errorFields(err), unavailable ? 'operator SSO: provider unavailable' : 'operator SSO: callback refused');
        return sendPage(reply, unavailable ? 503 : 400, lang, unavailable ? t.ssoUnavailable : t.ssoFailed);
      }
      if (!who.role) {
        request.log.warn({ issuer: who.issuer }, 'operator SSO: no mapped group, console refused');
        return sendPage(reply, 403, lang, t.ssoNoRole);
      }
      const previous = request.cookies[SSO_SESSION_COOKIE];
      if (previous) await deps.sessions.end(previous);
      const opened = await deps.sessions.create(
        {
          issuer: who.issuer,
          subject: who.subject,
          email: who.email,
          name: who.name,
          role: who.role,
          userAgent: request.headers['user-agent'],
        },
        Math.min(deps.sessionTtlMs ?? SSO_SESSION_TTL_MS, SSO_SESSION_TTL_MS),
      );
      reply.setCookie(SSO_SESSION_COOKIE, opened.token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: opened.expiresAt });
      request.log.info({ role: who.role }, 'operator signed in through SSO');
      return reply.redirect(`/console?lang=${lang}`, 303);
    });
  };

  return {
    plugin,
    session,
    async touch(request) {
      const token = request.cookies[SSO_SESSION_COOKIE];
      if (token) await deps.sessions.touch(token);
    },
    async signOut(request, reply) {
      const token = request.cookies[SSO_SESSION_COOKIE];
      if (token) await deps.sessions.end(token);
      reply.clearCookie(SSO_SESSION_COOKIE, { path: '/' });
    },
  };
}

/**
 * The console's gate over both kinds of operator: an SSO session gives its mapped role; otherwise
 * the local sign-in's requireOperator decides (password + TOTP; its role from console_roles). Who
 * passed is `request.operator` (console-operator.ts), for the actions' role checks and the
 * history's actor. An SSO session idle longer than `idleMs`, or older than `maxAgeMs`, ends here as
 * a local one does there.
 * `stillAllowed(request, needed)` re-reads the session of a stream that request opened: true while
 * the same person is still signed in with at least `needed` (an SSO role is the one mapped at
 * sign-in; a local one is read from console_roles again). An open stream is activity: no idle check.
 */
export function consoleAccess(deps: {
  requireLocalOperator: preHandlerAsyncHookHandler;
  sso?: Pick<OperatorSso, 'session' | 'touch' | 'signOut'>;
  clock: { now(): Date };
  /** Idle limit for console sessions (ms); unset: none. */
  idleMs?: number;
  /** Absolute limit from the session's start (ms; NIST SP 800-63B-4 AAL2: at most 12 h); unset: its TTL. */
  maxAgeMs?: number;
  /** The local operator signed in now, read afresh (identity.ts currentOperator); absent: streams are not re-checked. */
  currentLocalOperator?(request: FastifyRequest): Promise<{ id: string; role: ConsoleRole } | undefined>;
  /** The operator's stored console language (console-preferences.ts); it becomes request.lang unless ?lang chose one. */
  storedLang?(operatorId: string): Promise<Lang | undefined>;
}): {
  requireOperator: preHandlerAsyncHookHandler;
  stillAllowed(request: FastifyRequest, needed: ConsoleRole): Promise<boolean>;
} {
  const requireOperator: preHandlerAsyncHookHandler = async function (request, reply) {
    await gate.call(this, request, reply);
    const who = request.operator;
    if (who && deps.storedLang) applyStoredLang(request, await deps.storedLang(who.id));
  };
  const gate: preHandlerAsyncHookHandler = async function (request, reply) {
    const sso = await deps.sso?.session(request);
    if (sso) {
      const now = deps.clock.now().getTime();
      const idle = now - sso.lastSeenAt.getTime();
      // From the session's start, not the provider's auth_time: the provider's own session may be older.
      const fresh = deps.maxAgeMs === undefined || now - sso.createdAt.getTime() <= deps.maxAgeMs;
      if (fresh && (deps.idleMs === undefined || idle <= deps.idleMs)) {
        // One write a minute at most, as for local sessions.
        if (idle >= 60_000) await deps.sso?.touch(request);
        request.operator = { id: `oidc:${sso.subject}`, role: sso.role, authTime: sso.authAt, sessionId: sso.publicId };
        return;
      }
      await deps.sso?.signOut(request, reply);
    }
    await deps.requireLocalOperator.call(this, request, reply);
  };
  async function current(request: FastifyRequest): Promise<{ id: string; role: ConsoleRole } | undefined> {
    const sso = await deps.sso?.session(request);
    if (sso) return { id: `oidc:${sso.subject}`, role: sso.role };
    if (!deps.currentLocalOperator) return request.operator ?? undefined;
    return deps.currentLocalOperator(request);
  }
  async function stillAllowed(request: FastifyRequest, needed: ConsoleRole): Promise<boolean> {
    const opened = request.operator;
    const now = await current(request);
    return !!opened && now !== undefined && now.id === opened.id && roleAtLeast(now.role, needed);
  }
  return { requireOperator, stillAllowed };
}
