import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Refusal } from '../domain/refusal';
import { refusalSentence } from './pages/console/refusal-texts';
import { refusalPage } from './pages/refusal-page';

/**
 * True when the client asked for JSON and not for a page: `Accept` names application/json (or
 * `+json`) and no text/html. Browsers always send text/html first, so a person gets the page.
 */
export function wantsJson(req: FastifyRequest): boolean {
  const accept = (req.headers.accept ?? '').toLowerCase();
  return /application\/(?:[\w.-]+\+)?json/.test(accept) && !accept.includes('text/html');
}

/**
 * A refusal or an action's error as JSON, `{error: code, message}` in the request's language,
 * never cached — the one shape for every console route's refusals (issue 10).
 */
export function sendErrorJson(reply: FastifyReply, status: number, error: string, message: string) {
  return reply.code(status).header('cache-control', 'no-store').type('application/json; charset=utf-8').send({ error, message });
}

/**
 * Answers a Refusal (app.ts's error handler calls this): its status; a page in `req.lang` with a way
 * back, or `{error: kind, message}` for a JSON client; always `cache-control: no-store` (a refusal
 * depends on the session and the moment). Nothing was done, so "nothing was shown" for GET/HEAD and
 * "nothing was changed" otherwise, unless the refusal says (e.g. `opened` for a socket).
 */
export function sendRefusal(req: FastifyRequest, reply: FastifyReply, refusal: Refusal) {
  const lang = req.lang;
  const get = req.method === 'GET' || req.method === 'HEAD';
  const nothing = refusal.options.nothing ?? (get ? 'shown' : 'changed');
  if (wantsJson(req))
    return sendErrorJson(reply, refusal.statusCode, refusal.kind, refusalSentence(refusal.kind, lang, { ...refusal.options, nothing }));
  // The switch is query-only (`?lang=en`): the path names a case or call the person may not see
  // (nothing of it is written into the page), and a query may carry a token (listen-in's csrf).
  const switchPath = get ? '' : undefined;
  return reply
    .code(refusal.statusCode)
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(refusalPage(refusal, lang, nothing, switchPath));
}
