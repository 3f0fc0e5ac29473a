import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { roleAtLeast } from '../../domain/console-roles';
import type { ConsoleSessions } from '../../settings';
import type { Csrf } from '../pages/identity/csrf';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { buttonForm, formBody, langParam, queryInt } from '../route-schemas';
import { type SessionsError, type SessionsNotice, sessionsPage } from '../pages/console/sessions-page';

export interface ConsoleSessionsPluginDeps {
  sessions: ConsoleSessions;
  /** The console's gate: sets request.operator (its id, role and this session's public id). */
  requireOperator: preHandlerAsyncHookHandler;
  csrf: Csrf;
  /** The business time zone (AIZUCHI_TIMEZONE) the page shows times in. */
  timeZone: string;
}

const langQuery = z.looseObject({
  lang: langParam,
  done: z.enum(['one', 'others']).optional(),
  n: queryInt(0, 10_000),
});
type Query = { lang?: string; done?: 'one' | 'others'; n?: number };
const revokeBody = formBody({ session: z.string().min(1).max(64).describe("the session's public id") });
const othersBody = buttonForm;

const STATUS: Record<SessionsError, number> = { notFound: 404, forbidden: 403, badForm: 403 };

/**
 * GET /console/sessions (every console role): the operator's own sessions, and for an admin every
 * operator's. POST /console/sessions/revoke `{session}` ends one (own; an admin any operator's) and
 * POST /console/sessions/revoke-others ends all of one's own but this one; each removal and its
 * `console_session_revoked` audit event commit together (settings/console-sessions.ts). A refusal
 * (stale form 403, someone else's session 403, already ended 404) shows the page again with why.
 */
export function consoleSessionsPlugin(deps: ConsoleSessionsPluginDeps): FastifyPluginAsync {
  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { notice?: SessionsNotice; error?: SessionsError },
  ) {
    const who = req.operator!;
    const lang = req.lang;
    const body = sessionsPage({
      lang,
      timeZone: deps.timeZone,
      mine: await deps.sessions.list(who.id),
      ...(roleAtLeast(who.role, 'admin') ? { everyone: await deps.sessions.list() } : {}),
      current: who.sessionId,
      csrfField: deps.csrf.field(req, reply),
      switchPath: `/console/sessions?lang=${lang}`,
      ...extra,
    });
    return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  }

  return async (plain) => {
    const app = zodRoutes(plain);
    app.get('/console/sessions', { preHandler: deps.requireOperator, schema: { querystring: langQuery } }, async (req, reply) => {
      const q = req.query as Query;
      const notice: SessionsNotice | undefined =
        q.done === 'one' ? { kind: 'revoked' } : q.done === 'others' ? { kind: 'revokedOthers', count: q.n ?? 0 } : undefined;
      return render(req, reply, 200, notice ? { notice } : {});
    });

    app.post(
      '/console/sessions/revoke',
      { preHandler: deps.requireOperator, schema: { querystring: langQuery, body: revokeBody } },
      async (req, reply) => {
        if (!deps.csrf.verify(req)) return render(req, reply, 403, { error: 'badForm' });
        const who = req.operator!;
        const { session } = req.body as { session: string };
        const result = await deps.sessions.revoke(who, session);
        if (result === 'not_found' || result === 'forbidden') {
          const error: SessionsError = result === 'forbidden' ? 'forbidden' : 'notFound';
          return render(req, reply, STATUS[error], { error });
        }
        req.log.info({ operatorId: who.id, sessionOf: result.operatorId, method: result.method }, 'console session revoked');
        // Ending one's own current session is signing out here.
        if (result.publicId === who.sessionId) return reply.redirect(`/signin?lang=${req.lang}`, 303);
        return reply.redirect(`/console/sessions?lang=${req.lang}&done=one`, 303);
      },
    );

    app.post(
      '/console/sessions/revoke-others',
      { preHandler: deps.requireOperator, schema: { querystring: langQuery, body: othersBody } },
      async (req, reply) => {
        if (!deps.csrf.verify(req)) return render(req, reply, 403, { error: 'badForm' });
        const who = req.operator!;
        const n = await deps.sessions.revokeOthers(who, who.sessionId);
        req.log.info({ operatorId: who.id, count: n }, 'console sessions revoked elsewhere');
        return reply.redirect(`/console/sessions?lang=${req.lang}&done=others&n=${n}`, 303);
      },
    );
  };
}
