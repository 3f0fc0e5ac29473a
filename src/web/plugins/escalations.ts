import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { type EscalationFailure, EscalationError, type EscalationQueue } from '../../cases/escalations/escalation-queue';
import { reasonWords } from '../../cases/escalations/reasons';
import { type EscalationActions, isCloseReason } from '../../cases/escalations/escalation-actions';
import { OperatorActionError } from '../../cases/operator-actions';
import { roleAtLeast } from '../../domain/console-roles';
import type { Lang } from '../../domain/lang';
import { type SafeHtml, html } from '../../html/safe-html';
import type { OperatorNamesLookup } from '../../settings/operator-names';
import type { Csrf } from '../pages/identity/csrf';
import type { MaskFns } from '../pages/console/console-pages';
import { caseActionErrorText, staleFormText } from '../pages/console/action-error-texts';
import { type EscalationActionName, escalationErrorText } from '../pages/console/escalation-error-texts';
import { Refusal } from '../../domain/refusal';
import { sendErrorJson, wantsJson } from '../refusal-reply';
import { escalationPage, escalationQueuePage, slaCell } from '../pages/console/escalations-pages';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { buttonForm, formBody, idParams, langQuery } from '../route-schemas';

export interface EscalationsPluginDeps {
  queue: EscalationQueue;
  /** The console's gate: sets request.operator, whose id goes into the history and whose role decides. */
  requireOperator: preHandlerAsyncHookHandler;
  csrf: Csrf;
  mask: MaskFns;
  /** AIZUCHI_TIME_ZONE: times are shown in it, with the zone; the callback form's time is read in it. */
  timeZone: string;
  /** The holder's actions; without them the page offers claim and notes only. */
  actions?: {
    escalation: EscalationActions;
    /** The case page's "approve callback" (OperatorActions.approveCallback), offered for cases waiting for review. */
    approve(caseId: string, operatorId: string): Promise<unknown>;
  };
  /** Names for holders and note authors (settings/operator-names.ts); absent: their ids are shown. */
  operatorNames?: OperatorNamesLookup;
  /** More of the queue page and the escalation page from other areas (manual recovery). */
  sections?: {
    queue(lang: Lang): Promise<SafeHtml>;
    escalation(args: { escalationId: string; caseId: string; holder: boolean; canAct: boolean; lang: Lang }): Promise<SafeHtml>;
  };
}

/**
 * A `datetime-local` value (`YYYY-MM-DDTHH:MM`) read as wall-clock time in `timeZone`, as an instant.
 * The zone's offset is taken at the guessed instant and once more at the result, so a DST edge lands
 * right; Asia/Tokyo has no DST. Invalid input gives an invalid Date.
 */
export function zonedLocalToInstant(local: string, timeZone: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return new Date(NaN);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  const offsetAt = (t: number) => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    }).formatToParts(new Date(t));
    const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute')) - t;
  };
  const first = wall - offsetAt(wall);
  return new Date(wall - offsetAt(first));
}

const STATUS: Record<EscalationFailure, number> = {
  not_found: 404,
  closed: 409,
  claimed_by_other: 409,
  not_holder: 409,
  invalid_input: 400,
};

/**
 * The escalation queue in the console (issue 10): GET /console/escalations (open hand-overs, most
 * urgent first, with their SLA clock) and GET /console/escalations/:id (reason, the agent's summary,
 * holder, notes); POST …/claim, …/release and …/note for operators. Every POST checks CSRF, then
 * the role (a viewer is refused with 403 and sees no forms), then acts; a refusal is shown on the page.
 */
export function escalationsPlugin(deps: EscalationsPluginDeps): FastifyPluginAsync {
  const canAct = (req: FastifyRequest) => {
    const p = req.operator;
    return p !== null && roleAtLeast(p.role, 'operator');
  };
  const sendHtml = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  /** An action's refusal: its code (the JSON `error`) and what the page says. */
  type ActionError = { code: string; text: string };
  const view = (req: FastifyRequest, reply: FastifyReply, error?: string) => ({
    lang: req.lang,
    timeZone: deps.timeZone,
    mask: deps.mask,
    me: req.operator?.id ?? '',
    ...(canAct(req) ? { csrfField: deps.csrf.field(req, reply), holderActions: deps.actions !== undefined } : {}),
    ...(error ? { error } : {}),
  });

  async function renderOne(req: FastifyRequest, reply: FastifyReply, id: string, status: number, error?: ActionError) {
    if (error && wantsJson(req)) return sendErrorJson(reply, status, error.code, error.text);
    const d = await deps.queue.detail(id);
    if (!d) throw new Refusal('not_found', { what: 'escalation' });
    const v = view(req, reply, error?.text);
    const holder = d.escalation.claimed_by !== null && d.escalation.claimed_by === v.me && d.escalation.closed_at === null;
    const extra = await deps.sections?.escalation({ escalationId: id, caseId: d.caseRow.id, holder, canAct: canAct(req), lang: v.lang });
    const names = await deps.operatorNames?.([d.escalation.claimed_by ?? '', ...d.notes.map((n) => n.operatorId)]);
    return sendHtml(reply, status, escalationPage(d, { ...v, ...(extra ? { extra } : {}), ...(names ? { names } : {}) }));
  }

  return async (plain) => {
    const app = zodRoutes(plain);
    app.get('/console/escalations', { preHandler: deps.requireOperator, schema: { querystring: langQuery } }, async (req, reply) => {
      const entries = await deps.queue.listOpen();
      const names = await deps.operatorNames?.(entries.map((e) => e.escalation.claimed_by ?? ''));
      const extra = await deps.sections?.queue(req.lang);
      return sendHtml(reply, 200, escalationQueuePage(entries, { ...view(req, reply), extra, ...(names ? { names } : {}) }));
    });

    app.get(
      '/console/escalations/:id',
      { preHandler: deps.requireOperator, schema: { params: idParams, querystring: langQuery } },
      async (req, reply) => renderOne(req, reply, (req.params as { id: string }).id, 200),
    );

    const action = (
      path: EscalationActionName,
      body: z.ZodType | undefined,
      run: (id: string, operatorId: string, req: FastifyRequest) => Promise<void>,
    ) =>
      app.post(
        `/console/escalations/:id/${path}`,
        { preHandler: deps.requireOperator, schema: { params: idParams, querystring: langQuery, body: body ?? buttonForm } },
        async (req, reply) => {
          const { id } = req.params as { id: string };
          if (!deps.csrf.verify(req)) return renderOne(req, reply, id, 403, { code: 'stale_form', text: staleFormText(req.lang) });
          const p = req.operator;
          if (!p || !roleAtLeast(p.role, 'operator'))
            throw new Refusal('needs_role', { role: 'operator', back: `/console/escalations/${encodeURIComponent(id)}` });
          try {
            await run(id, p.id, req);
          } catch (err) {
            const lang = req.lang;
            if (err instanceof EscalationError)
              return renderOne(req, reply, id, STATUS[err.code], {
                code: err.code,
                text: escalationErrorText(err, path, lang, deps.timeZone),
              });
            // Only the approve button reaches OperatorActions from this page.
            if (err instanceof OperatorActionError)
              return renderOne(req, reply, id, err.code === 'not_found' ? 404 : err.code === 'invalid_input' ? 400 : 409, {
                code: err.code,
                text: caseActionErrorText(err, 'approve', lang, deps.timeZone),
              });
            throw err;
          }
          return reply.redirect(`/console/escalations/${encodeURIComponent(id)}${req.langChosen ? `?lang=${req.lang}` : ''}`, 303);
        },
      );

    action('claim', undefined, (id, op) => deps.queue.claim(id, op));
    action('release', undefined, (id, op) => deps.queue.release(id, op));
    action('note', formBody({ text: z.string().max(4000) }), (id, op, req) =>
      deps.queue.addNote(id, op, (req.body as { text: string }).text),
    );
    const acts = deps.actions;
    if (!acts) return;
    action('callback', formBody({ at: z.string().max(40).describe('YYYY-MM-DDTHH:MM in the business zone') }), (id, op, req) =>
      acts.escalation.scheduleHumanCallback(id, op, zonedLocalToInstant((req.body as { at: string }).at, deps.timeZone)),
    );
    action('close', formBody({ reason: z.string().max(40) }), async (id, op, req) => {
      const reason = (req.body as { reason: string }).reason;
      if (!isCloseReason(reason)) throw new EscalationError('invalid_input', 'choose a reason for closing');
      await acts.escalation.close(id, op, reason);
    });
    action('approve', undefined, async (id, op) => {
      const e = await deps.queue.get(id);
      if (!e) throw new EscalationError('not_found', `no escalation with id ${id}`);
      if (e.claimed_by !== op) throw new EscalationError('not_holder', 'claim the escalation first; only its holder can act on it');
      await acts.approve(e.case_id, op);
    });
  };
}

/** The case page's small escalation section: its reason, SLA and a link to the queue entry; empty when it never escalated. */
export function escalationCaseSection(queue: EscalationQueue) {
  return async (caseId: string, { lang }: { lang: Lang }): Promise<SafeHtml> => {
    const e = await queue.forCase(caseId);
    if (!e) return html``;
    const open = e.closed_at === null;
    const msLeft = Date.parse(e.opened_at) + queue.slaMs - queue.now().getTime();
    const closed = lang === 'ja' ? `対応済み（${e.resolution ?? ''}）` : `closed (${e.resolution ?? ''})`;
    return html`<h2>${lang === 'ja' ? 'エスカレーション' : 'Escalation'}</h2><p data-testid="case-escalation"><a href="/console/escalations/${e.id}?lang=${lang}">${reasonWords(e.reason, lang)}</a> · ${open ? slaCell({ msLeft }, lang) : closed}</p>`;
  };
}
