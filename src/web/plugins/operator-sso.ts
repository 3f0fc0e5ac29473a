import crypto from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Lang } from '../../domain/lang';
import { errorFields } from '../../domain/errors';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import { type OidcFlow, type OidcIdentity, type OidcSignIn, OidcProviderError } from '../../identity/operator-sso/oidc-sign-in';
import { DEFAULT_FRESH_AUTH_SEC, safeConsolePath } from './fresh-auth';
import type { SsoSessions } from '../../identity/operator-sso/sso-sessions';
import { hmacHex } from '../../security/keys';
import { messagePage } from '../pages/recovery/recovery-pages';
import { strings } from '../pages/identity/strings';
import { applyStoredLang } from '../request-lang';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { langQuery } from '../route-schemas';

/** What the provider sends back; the sign-in library reads the URL itself, so this only bounds and describes it. */
const CALLBACK_QUERY = z.looseObject({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  iss: z.string().max(2048).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(2048).optional(),
});

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
  /** Where an SSO operator re-authenticates (fresh-auth.ts): GET /signin/sso/reauth, back to `next`. */
  reauthPath(next: string, lang: Lang): string;
}

/** A flow that re-authenticates a signed-in person: where to go back to, and who must come back. */
interface ReauthFlow {
  next: string;
  sub: string;
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

  function readFlow(request: FastifyRequest): (OidcFlow & { lang: Lang; re?: ReauthFlow }) | null {
    const raw = request.cookies[SSO_FLOW_COOKIE];
    if (typeof raw !== 'string' || raw.length > 2048) return null;
    const [body, mac] = raw.split('.');
    if (!body || !mac) return null;
    const expected = Buffer.from(sign(body));
    const given = Buffer.from(mac);
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    try {
      const f = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as OidcFlow & { lang: Lang; x: number; re?: ReauthFlow };
      if (f.x <= deps.clock.now().getTime()) return null;
      return { codeVerifier: f.codeVerifier, state: f.state, nonce: f.nonce, lang: f.lang, ...(f.re ? { re: f.re } : {}) };
    } catch {
      return null;
    }
  }

  const session = (request: FastifyRequest) => {
    const token = request.cookies[SSO_SESSION_COOKIE];
    return token ? deps.sessions.read(token) : Promise.resolve(null);
  };

  /** Starts a round trip through the provider (a re-authentication when `re` is given) and sends the browser there. */
  async function startFlow(request: FastifyRequest, reply: FastifyReply, re?: ReauthFlow) {
    const lang = request.lang;
    let started;
    try {
      started = await deps.signIn.start({ reauthenticate: re !== undefined });
    } catch (err) {
      if (!(err instanceof OidcProviderError)) throw err;
      request.log.warn(errorFields(err), 'operator SSO: provider unavailable');
      return sendPage(reply, 503, lang, strings(lang).ssoUnavailable);
    }
    const payload = { ...started.flow, lang, x: deps.clock.now().getTime() + FLOW_TTL_MS, ...(re ? { re } : {}) };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    // Lax: the provider's redirect back is a top-level GET navigation, which carries Lax cookies.
    reply.setCookie(SSO_FLOW_COOKIE, `${body}.${sign(body)}`, {
      path: '/signin/sso',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: FLOW_TTL_MS / 1000,
    });
    return reply.header('cache-control', 'no-store').redirect(started.url.href, 303);
  }

  /**
   * The end of a re-authentication (requireFreshAuth for an SSO operator): the provider must vouch
   * for the same person with an auth_time at most DEFAULT_FRESH_AUTH_SEC old by the app's clock
   * (a provider that ignored prompt=login, or an old token, is refused: NIST SP 800-63B-4 §2.2.3).
   * Then the session's auth time becomes that auth_time and the browser goes back to `next`.
   */
  async function finishReauth(request: FastifyRequest, reply: FastifyReply, re: ReauthFlow, who: OidcIdentity, lang: Lang) {
    const token = request.cookies[SSO_SESSION_COOKIE];
    const current = token ? await deps.sessions.read(token) : null;
    const age = who.authTime ? deps.clock.now().getTime() - who.authTime.getTime() : Infinity;
    if (!token || !current || current.subject !== re.sub || who.subject !== re.sub || !(age <= DEFAULT_FRESH_AUTH_SEC * 1000)) {
      request.log.warn({ sameSubject: who.subject === re.sub, ageSec: Math.round(age / 1000) }, 'operator SSO: re-authentication refused');
      return sendPage(reply, 403, lang, strings(lang).ssoReauthStale);
    }
    await deps.sessions.reauthenticated(token, who.authTime!);
    request.log.info('operator re-authenticated through SSO');
    return reply.redirect(safeConsolePath(re.next) ?? '/console', 303);
  }

  const plugin: FastifyPluginAsync = async (app) => {
    zodRoutes(app);
    app.get(
      '/signin/sso',
      { schema: { summary: "Operators: sign in with the company's OpenID Connect provider (303)", querystring: langQuery } },
      async (request, reply) => startFlow(request, reply),
    );

    app.get(
      '/signin/sso/reauth',
      {
        schema: {
          summary: 'An SSO operator re-authenticates at the provider (prompt=login, max_age=0), then returns to `next` (303)',
          querystring: langQuery.extend({ next: z.string().max(4096).optional().describe('the console page to return to') }),
        },
      },
      async (request, reply) => {
        const current = await session(request);
        if (!current) return reply.redirect(`/signin?lang=${request.lang}`, 303);
        // The flow cookie must stay small (readFlow refuses over 2 KB): a very long return path falls back to the console.
        const asked = safeConsolePath((request.query as { next?: unknown }).next);
        const next = asked && asked.length <= 512 ? asked : '/console';
        return startFlow(request, reply, { next, sub: current.subject });
      },
    );

    app.get(
      '/signin/sso/callback',
      { schema: { summary: "The provider's redirect back (RFC 6749 §4.1.2): code and state, or an error", querystring: CALLBACK_QUERY } },
      async (request, reply) => {
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
        if (flow.re) return finishReauth(request, reply, flow.re, who, lang);
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
            ...(who.authTime ? { authAt: who.authTime } : {}),
          },
          Math.min(deps.sessionTtlMs ?? SSO_SESSION_TTL_MS, SSO_SESSION_TTL_MS),
        );
        reply.setCookie(SSO_SESSION_COOKIE, opened.token, {
          path: '/',
          httpOnly: true,
          sameSite: 'lax',
          secure,
          expires: opened.expiresAt,
        });
        request.log.info({ role: who.role }, 'operator signed in through SSO');
        return reply.redirect(`/console?lang=${lang}`, 303);
      },
    );
  };

  return {
    plugin,
    session,
    reauthPath: (next, lang) => `/signin/sso/reauth?lang=${lang}&next=${encodeURIComponent(next)}`,
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
    // Past the absolute limit the gate signs an SSO session out; its open streams end there too.
    if (sso && deps.maxAgeMs !== undefined && deps.clock.now().getTime() - sso.createdAt.getTime() > deps.maxAgeMs) return undefined;
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
