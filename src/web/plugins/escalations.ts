import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { type EscalationFailure, EscalationError, type EscalationQueue } from '../../cases/escalations/escalation-queue';
import { reasonWords } from '../../cases/escalations/reasons';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import { pickLang } from '../../domain/lang';
import { type SafeHtml, html } from '../../html/safe-html';
import type { Csrf } from '../pages/identity/csrf';
import type { MaskFns } from '../pages/console/console-pages';
import { escalationPage, escalationQueuePage, slaCell } from '../pages/console/escalations-pages';

export interface EscalationsPluginDeps {
  queue: EscalationQueue;
  requireOperator: preHandlerAsyncHookHandler;
  /** Who passed requireOperator (their id goes into the history) and their console role. */
  principal(request: FastifyRequest): { id: string; role: ConsoleRole } | undefined;
  csrf: Csrf;
  mask: MaskFns;
  /** AIZUCHI_TIME_ZONE: times are shown in it, with the zone. */
  timeZone: string;
}

const STATUS: Record<EscalationFailure, number> = {
  not_found: 404,
  closed: 409,
  claimed_by_other: 409,
  not_holder: 409,
  invalid_input: 400,
};

const idParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 64 } },
  required: ['id'],
} as const;
const langQuery = { type: 'object', properties: { lang: { type: 'string', enum: ['ja', 'en'] } } } as const;

/**
 * The escalation queue in the console (issue 10): GET /console/escalations (open hand-overs, most
 * urgent first, with their SLA clock) and GET /console/escalations/:id (reason, the agent's summary,
 * holder, notes); POST …/claim, …/release and …/note for operators. Every POST checks CSRF, then
 * the role (a viewer is refused with 403 and sees no forms), then acts; a refusal is shown on the page.
 */
export function escalationsPlugin(deps: EscalationsPluginDeps): FastifyPluginAsync {
  const langOf = (req: FastifyRequest) =>
    pickLang((req.query as Record<string, unknown> | undefined)?.lang, req.headers['accept-language']);
  const canAct = (req: FastifyRequest) => {
    const p = deps.principal(req);
    return p !== undefined && roleAtLeast(p.role, 'operator');
  };
  const sendHtml = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  const view = (req: FastifyRequest, reply: FastifyReply, error?: string) => ({
    lang: langOf(req),
    timeZone: deps.timeZone,
    mask: deps.mask,
    me: deps.principal(req)?.id ?? '',
    ...(canAct(req) ? { csrfField: deps.csrf.field(req, reply) } : {}),
    ...(error ? { error } : {}),
  });

  async function renderOne(req: FastifyRequest, reply: FastifyReply, id: string, status: number, error?: string) {
    const d = await deps.queue.detail(id);
    if (!d) return sendHtml(reply, 404, '<!doctype html><p>No such escalation.</p>');
    return sendHtml(reply, status, escalationPage(d, view(req, reply, error)));
  }

  return async (app) => {
    app.get('/console/escalations', { preHandler: deps.requireOperator, schema: { querystring: langQuery } }, async (req, reply) =>
      sendHtml(reply, 200, escalationQueuePage(await deps.queue.listOpen(), view(req, reply))),
    );

    app.get(
      '/console/escalations/:id',
      { preHandler: deps.requireOperator, schema: { params: idParams, querystring: langQuery } },
      async (req, reply) => renderOne(req, reply, (req.params as { id: string }).id, 200),
    );

    const action = (path: string, body: object | undefined, run: (id: string, operatorId: string, req: FastifyRequest) => Promise<void>) =>
      app.post(
        `/console/escalations/:id/${path}`,
        { preHandler: deps.requireOperator, schema: { params: idParams, ...(body ? { body } : {}) } },
        async (req, reply) => {
          const { id } = req.params as { id: string };
          if (!deps.csrf.verify(req))
            return renderOne(req, reply, id, 403, 'The form was stale or not from this site; nothing was changed. Please try again.');
          const p = deps.principal(req);
          if (!p || !roleAtLeast(p.role, 'operator'))
            return reply.code(403).type('text/plain').send('Forbidden: this needs the operator role; nothing was changed');
          try {
            await run(id, p.id, req);
          } catch (err) {
            if (!(err instanceof EscalationError)) throw err;
            return renderOne(req, reply, id, STATUS[err.code], err.message);
          }
          return reply.redirect(`/console/escalations/${encodeURIComponent(id)}`, 303);
        },
      );

    action('claim', undefined, (id, op) => deps.queue.claim(id, op));
    action('release', undefined, (id, op) => deps.queue.release(id, op));
    action('note', { type: 'object', properties: { text: { type: 'string', maxLength: 4000 } }, required: ['text'] }, (id, op, req) =>
      deps.queue.addNote(id, op, (req.body as { text: string }).text),
    );
  };
}

/** The case page's small escalation section: its reason, SLA and a link to the queue entry; empty when it never escalated. */
export function escalationCaseSection(queue: EscalationQueue) {
  return async (caseId: string): Promise<SafeHtml> => {
    const e = await queue.forCase(caseId);
    if (!e) return html``;
    const open = e.closed_at === null;
    const msLeft = Date.parse(e.opened_at) + queue.slaMs - queue.now().getTime();
    return html`<h2>Escalation</h2><p data-testid="case-escalation"><a href="/console/escalations/${e.id}">${reasonWords(e.reason, 'en')}</a> · ${open ? slaCell({ msLeft }, 'en') : html`closed (${e.resolution ?? ''})`}</p>`;
  };
}
