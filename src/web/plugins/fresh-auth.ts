import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Lang } from '../../domain/lang';
import { Refusal } from '../../domain/refusal';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { formBody, langParam } from '../route-schemas';
import type { IdentityService } from '../../identity/service';
import type { Csrf } from '../pages/identity/csrf';
import { type ReauthError, reauthPage } from '../pages/console/reauth-page';
import { SESSION_COOKIE } from './identity';
import { safeConsolePath } from './return-path';

/**
 * How recent the last authentication must be for a sensitive console action (seconds): five
 * minutes, the window SECURITY.md gives for "fresh" re-authentication before revealing contact
 * details, calling outside hours, manual recovery, role and policy changes (issue 10).
 */
export const DEFAULT_FRESH_AUTH_SEC = 300;

/** The re-authentication page; `next` is where it returns to. Under /signin so the known-device cookie comes along. */
export const REAUTH_PATH = '/signin/reauth';

export { safeConsolePath } from './return-path';

/** The page a POST's form was on (same-origin Referer, Referrer-Policy same-origin keeps it), else the console. */
function formPage(request: FastifyRequest): string {
  const referer = request.headers.referer;
  if (typeof referer === 'string') {
    try {
      const url = new URL(referer);
      const path = safeConsolePath(`${url.pathname}${url.search}`);
      if (url.host === request.headers.host && path) return path;
    } catch {
      // not a URL: fall through
    }
  }
  return '/console';
}

/**
 * preHandler for sensitive console actions; runs AFTER the console's gate (requireOperator), which
 * sets request.operator. Lets the request through when the operator's last authentication
 * (request.operator.authTime: password + TOTP, or SSO auth_time) is at most `maxAgeSec` old
 * (default 300 s) by the app's clock (app.clock); otherwise answers 303 to REAUTH_PATH with
 * `next` = this page (GET) or the page the form was on (other methods, with `again=1`: a POST is
 * never replayed after re-authentication — the person presses the button again, seeing what it does).
 * No operator on the request (the gate did not run): 403. Rule: NIST SP 800-63B-4 §2.2.3 (AAL2
 * reauthentication), SECURITY.md "Operators".
 */
export function requireFreshAuth(opts?: { maxAgeSec?: number }): preHandlerAsyncHookHandler {
  const maxAgeMs = (opts?.maxAgeSec ?? DEFAULT_FRESH_AUTH_SEC) * 1000;
  return async function freshAuth(request, reply) {
    const operator = request.operator;
    if (!operator) throw new Refusal('sign_in_first');
    const now = (request.server.clock ?? { now: () => new Date() }).now().getTime();
    if (now - operator.authTime.getTime() <= maxAgeMs) return;
    const get = request.method === 'GET' || request.method === 'HEAD';
    const next = get ? (safeConsolePath(request.url) ?? '/console') : formPage(request);
    const to = `${REAUTH_PATH}?lang=${request.lang}&next=${encodeURIComponent(next)}${get ? '' : '&again=1'}`;
    return reply.header('cache-control', 'no-store').redirect(to, 303);
  };
}

export interface FreshAuthPluginDeps {
  identity: Pick<IdentityService, 'getAccount' | 'attemptPassword' | 'attemptTotp' | 'sessions'>;
  /** The console's gate (sets request.operator). */
  requireOperator: preHandlerAsyncHookHandler;
  csrf: Csrf;
  /** identity.ts knownDeviceOf: a browser that completed sign-in keeps its own count of wrong codes. */
  knownDeviceOf(request: FastifyRequest, accountId: string): string | undefined;
  /** Where an SSO operator re-authenticates (operator-sso.ts, prompt=login); absent without SSO. */
  ssoReauthPath?(next: string, lang: Lang): string;
}

/**
 * GET/POST REAUTH_PATH: a local operator confirms password + TOTP again (the same rate limits as
 * sign-in), the session's auth time becomes now, and the browser goes back to `next`. An SSO
 * operator is sent through the provider's login again instead.
 */
export function freshAuthPlugin(deps: FreshAuthPluginDeps): FastifyPluginAsync {
  const sendPage = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  const querySchema = z.looseObject({
    lang: langParam,
    next: z.string().max(2000).optional().describe('the console page to go back to'),
    again: z.enum(['1']).optional(),
  });
  type Query = { lang?: string; next?: string; again?: '1' };

  function render(request: FastifyRequest, reply: FastifyReply, status: number, error?: ReauthError) {
    const q = request.query as Query;
    const lang = request.lang;
    const next = safeConsolePath(q.next) ?? '/console';
    return sendPage(reply, status, reauthPage({ lang, csrf: deps.csrf.field(request, reply), next, again: q.again === '1', error }));
  }

  return async (plain) => {
    const app = zodRoutes(plain);
    app.get(REAUTH_PATH, { preHandler: deps.requireOperator, schema: { querystring: querySchema } }, async (request, reply) => {
      const operator = request.operator!;
      if (operator.id.startsWith('oidc:') && deps.ssoReauthPath) {
        const next = safeConsolePath((request.query as Query).next) ?? '/console';
        return reply.header('cache-control', 'no-store').redirect(deps.ssoReauthPath(next, request.lang), 303);
      }
      return render(request, reply, 200);
    });

    app.post(
      REAUTH_PATH,
      {
        preHandler: deps.requireOperator,
        schema: {
          querystring: querySchema,
          body: formBody({ password: z.string().max(1024).optional(), code: z.string().max(16).optional() }),
        },
      },
      async (request, reply) => {
        if (!deps.csrf.verify(request)) return render(request, reply, 403, 'badForm');
        const operator = request.operator!;
        const { password = '', code = '' } = (request.body ?? {}) as { password?: string; code?: string };
        if (password === '' || !/^\d{6}$/.test(code.replace(/\s/g, ''))) return render(request, reply, 400, 'missing');
        const account = operator.id.startsWith('oidc:') ? null : await deps.identity.getAccount(operator.id);
        if (!account) return render(request, reply, 400, 'badCredentials');
        const clientAddress = request.ip;
        const pw = await deps.identity.attemptPassword({ email: account.email, password, clientAddress });
        if (!pw.ok || pw.value.id !== account.id)
          return render(
            request,
            reply,
            !pw.ok && pw.reason === 'rate_limited' ? 429 : 401,
            !pw.ok && pw.reason === 'rate_limited' ? 'tooMany' : 'badCredentials',
          );
        const knownDevice = deps.knownDeviceOf(request, account.id);
        const totp = await deps.identity.attemptTotp({ accountId: account.id, code, clientAddress, knownDevice });
        if (!totp.ok)
          return render(
            request,
            reply,
            totp.reason === 'rate_limited' ? 429 : 401,
            totp.reason === 'rate_limited' ? 'tooMany' : 'badCredentials',
          );
        await deps.identity.sessions.reauthenticated(request.cookies[SESSION_COOKIE] ?? '');
        request.log.info({ operator: operator.id }, 'operator re-authenticated');
        const q = request.query as Query;
        return reply.redirect(safeConsolePath(q.next) ?? '/console', 303);
      },
    );
  };
}
