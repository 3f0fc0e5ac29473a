import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { CaseService } from '../../cases/case-service';
import type { EscalationQueue } from '../../cases/escalations/escalation-queue';
import {
  type Actor,
  type ManualRecoveries,
  type ManualRecoveryFailure,
  ManualRecoveryError,
} from '../../cases/escalations/manual-recovery';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import { Refusal } from '../../domain/refusal';
import { staleFormText } from '../pages/console/action-error-texts';
import { manualRecoveryErrorText } from '../pages/console/escalation-error-texts';
import { sendErrorJson, wantsJson } from '../refusal-reply';
import type { Lang } from '../../domain/lang';
import type { SafeHtml } from '../../html/safe-html';
import type { IdentityContact } from '../../identity/provider';
import type { OperatorNamesLookup } from '../../settings/operator-names';
import type { Csrf } from '../pages/identity/csrf';
import type { MaskFns } from '../pages/console/console-pages';
import {
  type ManualView,
  manualEscalationSection,
  manualFormPage,
  manualPendingPage,
  manualQueueLine,
  manualReviewPage,
} from '../pages/console/manual-recovery-page';

import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { buttonForm, checkboxes, formBody, idParams, langParam } from '../route-schemas';

export interface ManualRecoveryPluginDeps {
  manual: ManualRecoveries;
  queue: Pick<EscalationQueue, 'get'>;
  cases: Pick<CaseService, 'get'>;
  /** Whether the account is privileged, for the form's notice (read from the identity provider). */
  contactOf(accountId: string): Promise<IdentityContact | null>;
  requireOperator: preHandlerAsyncHookHandler;
  /**
   * Fresh re-authentication for the sensitive steps (issue 10: manual recovery needs it): runs after
   * requireOperator on the form, the review page and every POST. Absent: the session alone suffices.
   */
  requireFreshAuth?: preHandlerAsyncHookHandler;
  principal(request: FastifyRequest): { id: string; role: ConsoleRole } | undefined;
  /** An HMAC of the signed-in person's email, so the same person under SSO and a local account is one. */
  personOf?(request: FastifyRequest): Promise<string | undefined>;
  csrf: Csrf;
  mask: MaskFns;
  timeZone: string;
  /** Names for the requesters and approvers (settings/operator-names.ts); absent: their ids are shown. */
  operatorNames?: OperatorNamesLookup;
}

const STATUS: Record<ManualRecoveryFailure, number> = {
  not_found: 404,
  wrong_state: 409,
  not_holder: 409,
  invalid_input: 400,
  no_account: 409,
  own_account: 403,
  unknown_person: 403,
  same_operator: 403,
  pending_exists: 409,
  already_decided: 409,
  expired: 409,
};

const viewQuery = z.looseObject({ lang: langParam, done: z.string().max(40).optional() });
/** Checkboxes named `item` post one value or several; a note is required (the form says what to leave out). */
const manualBody = formBody({ item: checkboxes(10, 40), note: z.string().max(4000), lang: langParam });

/**
 * Manual recovery in the console (issue 10): GET/POST /console/escalations/:id/manual (the
 * holder's checklist), GET /console/manual-recoveries (waiting for a second operator) and
 * GET /console/manual-recoveries/:id with POST …/approve and …/reject for a different operator.
 * Every POST checks CSRF, the operator role and (when wired) fresh re-authentication; a refusal is
 * shown on the page with its status (403 for the requester approving their own request).
 */
export function manualRecoveryPlugin(deps: ManualRecoveryPluginDeps): FastifyPluginAsync {
  const canAct = (req: FastifyRequest) => {
    const p = deps.principal(req);
    return p !== undefined && roleAtLeast(p.role, 'operator');
  };
  const gate = deps.requireFreshAuth ? [deps.requireOperator, deps.requireFreshAuth] : [deps.requireOperator];
  const sendHtml = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
  const view = (req: FastifyRequest, reply: FastifyReply, error?: string): ManualView => ({
    lang: req.lang,
    timeZone: deps.timeZone,
    mask: deps.mask,
    me: deps.principal(req)?.id ?? '',
    now: deps.manual.now(),
    ...(canAct(req) ? { csrfField: deps.csrf.field(req, reply) } : {}),
    ...(error ? { error } : {}),
    ...(typeof (req.query as { done?: unknown }).done === 'string' ? { done: (req.query as { done: string }).done } : {}),
  });
  const actor = async (req: FastifyRequest): Promise<Actor | undefined> => {
    const p = deps.principal(req);
    if (!p || !roleAtLeast(p.role, 'operator')) return undefined;
    const person = await deps.personOf?.(req);
    return { id: p.id, ...(person ? { person } : {}) };
  };
  const namesOf = (ids: Array<string | null>) =>
    deps.operatorNames?.(ids.filter((id): id is string => id !== null)) ?? Promise.resolve(undefined);
  /** An action's refusal: its code (the JSON `error`) and what the page says. */
  type ActionError = { code: string; text: string };

  async function renderForm(req: FastifyRequest, reply: FastifyReply, escalationId: string, status: number, error?: ActionError) {
    if (error && wantsJson(req)) return sendErrorJson(reply, status, error.code, error.text);
    const e = await deps.queue.get(escalationId);
    const caseRow = e ? await deps.cases.get(e.case_id) : undefined;
    if (!e || !caseRow) throw new Refusal('not_found', { what: 'escalation' });
    const contact = caseRow.account_id ? await deps.contactOf(caseRow.account_id) : null;
    const holder = e.claimed_by !== null && e.claimed_by === deps.principal(req)?.id && e.closed_at === null;
    const args = { escalationId, caseRow, manual: deps.manual.policy().manual, privileged: contact?.privileged ?? true, holder };
    return sendHtml(reply, status, manualFormPage(args, view(req, reply, error?.text)));
  }

  async function renderReview(req: FastifyRequest, reply: FastifyReply, id: string, status: number, error?: ActionError) {
    if (error && wantsJson(req)) return sendErrorJson(reply, status, error.code, error.text);
    const r = await deps.manual.get(id);
    const caseRow = r ? await deps.cases.get(r.case_id) : undefined;
    if (!r || !caseRow) throw new Refusal('not_found', { what: 'manual_recovery' });
    const names = await namesOf([r.requested_by, r.decided_by]);
    return sendHtml(reply, status, manualReviewPage(r, caseRow, { ...view(req, reply, error?.text), ...(names ? { names } : {}) }));
  }

  /** Checks CSRF and role, runs `act`; a ManualRecoveryError is shown on `render` with its status. */
  async function guarded(
    req: FastifyRequest,
    reply: FastifyReply,
    render: (status: number, error: ActionError) => Promise<unknown>,
    act: (by: Actor) => Promise<string>,
  ) {
    if (!deps.csrf.verify(req)) return render(403, { code: 'stale_form', text: staleFormText(req.lang) });
    const by = await actor(req);
    if (!by) throw new Refusal('needs_role', { role: 'operator', back: req.url.split('?')[0]?.replace(/\/(approve|reject|manual)$/, '') });
    try {
      return reply.redirect(await act(by), 303);
    } catch (err) {
      if (err instanceof ManualRecoveryError)
        return render(STATUS[err.code], { code: err.code, text: manualRecoveryErrorText(err, req.lang) });
      throw err;
    }
  }

  return async (plain) => {
    const app = zodRoutes(plain);
    app.get(
      '/console/escalations/:id/manual',
      { preHandler: gate, schema: { params: idParams, querystring: viewQuery } },
      async (req, reply) => renderForm(req, reply, (req.params as { id: string }).id, 200),
    );

    app.post(
      '/console/escalations/:id/manual',
      { preHandler: gate, schema: { params: idParams, querystring: viewQuery, body: manualBody } },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        const body = req.body as { item?: string | string[]; note: string };
        const ticked = body.item === undefined ? [] : Array.isArray(body.item) ? body.item : [body.item];
        return guarded(
          req,
          reply,
          (status, error) => renderForm(req, reply, id, status, error),
          async (by) => {
            const { request, outcome } = await deps.manual.request({ escalationId: id, operator: by, ticked, note: body.note });
            return `/console/manual-recoveries/${encodeURIComponent(request.id)}?lang=${req.lang}&done=${outcome}`;
          },
        );
      },
    );

    app.get('/console/manual-recoveries', { preHandler: deps.requireOperator, schema: { querystring: viewQuery } }, async (req, reply) => {
      const [pending, failed] = [await deps.manual.pending(), await deps.manual.failed()];
      const names = await namesOf([...pending, ...failed].map((r) => r.requested_by));
      return sendHtml(reply, 200, manualPendingPage(pending, { ...view(req, reply), ...(names ? { names } : {}) }, failed));
    });

    app.get(
      '/console/manual-recoveries/:id',
      { preHandler: gate, schema: { params: idParams, querystring: viewQuery } },
      async (req, reply) => renderReview(req, reply, (req.params as { id: string }).id, 200),
    );

    for (const verdict of ['approve', 'reject'] as const) {
      app.post(
        `/console/manual-recoveries/:id/${verdict}`,
        { preHandler: gate, schema: { params: idParams, querystring: viewQuery, body: buttonForm } },
        async (req, reply) => {
          const { id } = req.params as { id: string };
          return guarded(
            req,
            reply,
            (status, error) => renderReview(req, reply, id, status, error),
            async (by) => {
              const { outcome } = await deps.manual[verdict](id, by);
              return `/console/manual-recoveries/${encodeURIComponent(id)}?lang=${req.lang}&done=${outcome}`;
            },
          );
        },
      );
    }
  };
}

/** The queue page's and the escalation page's manual recovery parts (EscalationsPluginDeps.sections). */
export function manualEscalationSections(manual: ManualRecoveries, operatorNames?: OperatorNamesLookup) {
  return {
    async queue(lang: Lang): Promise<SafeHtml> {
      return manualQueueLine((await manual.pending()).length, lang);
    },
    async escalation(args: { escalationId: string; caseId: string; holder: boolean; canAct: boolean; lang: Lang }): Promise<SafeHtml> {
      const requests = (await manual.forCase(args.caseId)).filter((r) => r.escalation_id === args.escalationId);
      const names = await operatorNames?.(requests.map((r) => r.requested_by));
      return manualEscalationSection({ ...args, requests, ...(names ? { names } : {}) }, args.lang);
    },
  };
}
