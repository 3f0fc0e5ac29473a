import type { FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { CaseService } from '../../cases/case-service';
import { type OperatorActionFailure, type OperatorActions, OperatorActionError, availableActions } from '../../cases/operator-actions';
import { DISOWNED_AFTER_RESET } from '../../cases/recovery-undo';
import { isCaseState } from '../../domain/cases/case-state';
import { type ConsoleRole, roleAtLeast } from '../../domain/console-roles';
import type { SafeHtml } from '../../html/safe-html';
import type { Csrf } from '../pages/identity/csrf';
import type { OperatorNamesLookup } from '../../settings/operator-names';
import { operatorIdsIn } from '../pages/console/timeline';
import { CASE_PAGE_SIZES, CASE_REASONS, CASE_SORTS } from '../../cases/case-search';
import { type CaseActionName, caseActionErrorText, staleFormText } from '../pages/console/action-error-texts';
import { caseListPage } from '../pages/console/case-list-page';
import { type MaskFns, casePage } from '../pages/console/console-pages';
import { dayStartUtc } from '../pages/console/console-time';
import { LANGS, type Lang } from '../../domain/lang';
import { Refusal } from '../../domain/refusal';
import { sendErrorJson, wantsJson } from '../refusal-reply';
import type { ConsolePreferences } from './console-preferences';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { formBody, idParams, langParam, langQuery, queryInt } from '../route-schemas';

/** What the case page's buttons need: the actions, CSRF, and who is signed in. */
export interface ConsoleActionDeps {
  actions: OperatorActions;
  csrf: Csrf;
  /** The case page offers "Show" for the full phone and email (the reveal route is registered: contact-reveal.ts). */
  revealContact?: boolean;
  /** Lifts the enrolment freeze of a disowned reset (RecoveryUndo.unfreeze); the button shows only with it. */
  unfreezeEnrolment?(caseId: string, operatorId: string): Promise<void>;
}

export interface ConsolePluginDeps {
  cases: CaseService;
  /** The console's gate: sets request.operator (console-operator.ts), whose role decides what is offered. */
  requireOperator: preHandlerAsyncHookHandler;
  mask: MaskFns;
  /** Further sections of the case page (calls, transcripts, recordings) from other areas. */
  caseSections?: Array<(caseId: string, locale: { lang: Lang; timeZone: string }) => Promise<SafeHtml>>;
  /** Operator buttons (approve, cancel, call now); without them the console is read-only. */
  operator?: ConsoleActionDeps;
  /** The business time zone (config AIZUCHI_TIMEZONE) the console shows times and reads dates in; default Asia/Tokyo. */
  timeZone?: string;
  /** Names for the operators in a case's timeline (settings/operator-names.ts); absent: their ids are shown. */
  operatorNames?: OperatorNamesLookup;
  /** Seconds between reloads of the case list when its auto-refresh is on; default 30. */
  refreshSeconds?: number;
  /** Where POST /console/preferences stores the operator's language; the console gate reads it into request.lang (request-lang.ts). */
  preferences?: ConsolePreferences;
}

/**
 * The case list's query. An empty field (a form submitted with nothing chosen) means "any"; an
 * unknown state is ignored (old links); a malformed date, sort, page or size is a 400 naming it.
 */
const LIST_QUERYSTRING = z.looseObject({
  lang: langParam,
  saved: z.enum(['1']).optional(),
  ref: z.string().max(20).optional(),
  email: z.string().max(254).optional(),
  phone: z.string().max(30).optional(),
  state: z.string().max(40).optional(),
  reason: z.union([z.enum(CASE_REASONS), z.literal('')]).optional(),
  from: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'a date as YYYY-MM-DD')
    .optional(),
  to: z
    .string()
    .regex(/^(\d{4}-\d{2}-\d{2})?$/, 'a date as YYYY-MM-DD')
    .optional(),
  sort: z.enum(CASE_SORTS).optional(),
  dir: z.enum(['asc', 'desc']).optional(),
  page: queryInt(1, 1_000_000),
  size: queryInt(1, 1000).refine((n) => n === undefined || (CASE_PAGE_SIZES as readonly number[]).includes(n), {
    message: `one of ${CASE_PAGE_SIZES.join(', ')}`,
  }),
  refresh: z.enum(['1']).optional(),
});

const STATUS: Record<OperatorActionFailure, number> = {
  not_found: 404,
  wrong_state: 409,
  not_reviewable: 409,
  outside_hours: 409,
  no_account: 409,
  invalid_input: 400,
};

type Form = Record<string, unknown>;
const field = (req: FastifyRequest, name: string): string | undefined => {
  const v = ((req.body ?? {}) as Form)[name];
  return typeof v === 'string' ? v : undefined;
};

/** The case page's address: the case id, and the page's language. */
const CASE_ROUTE_SCHEMA = { params: idParams, querystring: langQuery };
/** A case button's form: CSRF, and the cancel reason or the call-now "outside hours" tick. */
const ACTION_SCHEMA = {
  params: idParams,
  querystring: langQuery,
  body: formBody({ reason: z.string().max(4000).optional(), outside_hours: z.string().max(8).optional() }).optional(),
};

/** The operators' console: cases with filters, and each case with its hash-chained timeline and actions. */
export function consolePlugin(deps: ConsolePluginDeps): FastifyPluginAsync {
  // A viewer sees no buttons and every action is refused; lifting an enrolment freeze needs an admin.
  const roleOf = (req: FastifyRequest): ConsoleRole => req.operator?.role ?? 'viewer';
  const sendHtml = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);

  const timeZone = deps.timeZone ?? 'Asia/Tokyo';
  /** `error`: the last action's refusal — its code (the JSON `error`) and its words in the page's language. */
  async function renderCase(
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    status: number,
    error?: { code: string; text: (lang: Lang) => string },
  ) {
    const lang = req.lang;
    if (error && wantsJson(req)) return sendErrorJson(reply, status, error.code, error.text(lang));
    const row = await deps.cases.get(id);
    if (!row) throw new Refusal('not_found', { what: 'case' });
    const history = await deps.cases.history(id);
    const sections = await Promise.all((deps.caseSections ?? []).map((s) => s(id, { lang, timeZone })));
    const op = deps.operator;
    const role = roleOf(req);
    const unfreeze = op?.unfreezeEnrolment !== undefined && row.review_flag === DISOWNED_AFTER_RESET && roleAtLeast(role, 'admin');
    const actions =
      op && roleAtLeast(role, 'operator')
        ? {
            available: { ...availableActions(row, history), unfreeze },
            csrfField: op.csrf.field(req, reply),
            error: error?.text(lang),
            reveal: op.revealContact === true,
          }
        : undefined;
    const switchPath = `/console/cases/${encodeURIComponent(id)}`;
    const names = await deps.operatorNames?.(operatorIdsIn(history));
    return sendHtml(
      reply,
      status,
      casePage(row, history, deps.mask, sections, actions, { lang, timeZone, switchPath, ...(names ? { names } : {}) }),
    );
  }

  return async (plain) => {
    const app = zodRoutes(plain);
    app.get('/console', { preHandler: deps.requireOperator, schema: { querystring: LIST_QUERYSTRING } }, async (req, reply) => {
      const q = req.query;
      const lang = req.lang;
      const phone = q.phone?.normalize('NFKC').replace(/\D/g, '') || undefined;
      const reference = q.ref?.normalize('NFKC').replace(/\D/g, '') || undefined;
      // "abc" in a digits-only box used to drop the filter and list every case as if they matched.
      const digitsOnly = (!!q.phone?.trim() && !phone) || (!!q.ref?.trim() && !reference);
      const search = {
        reference,
        emailPart: q.email,
        phoneEndsWith: phone,
        state: isCaseState(q.state) ? q.state : undefined,
        reason: q.reason || undefined,
        createdFrom: q.from ? dayStartUtc(q.from, timeZone) : undefined,
        createdBefore: q.to ? dayStartUtc(q.to, timeZone, 1) : undefined,
        sort: q.sort,
        dir: q.dir,
        page: q.page,
        pageSize: q.size,
      };
      const result = digitsOnly ? { rows: [], total: 0, page: 1, pageSize: q.size ?? 50, pages: 1 } : await deps.cases.search(search);
      const view = {
        result,
        digitsOnly,
        reasons: await deps.cases.reasons(result.rows),
        query: { ...q, lang, saved: undefined, state: isCaseState(q.state) ? q.state : undefined, page: undefined },
        lang,
        switchPath: req.url,
        langSaved: q.saved === '1',
        rememberLangField: deps.preferences && deps.operator && req.operator ? deps.operator.csrf.field(req, reply) : undefined,
        mask: deps.mask,
        timeZone,
        refreshSeconds: deps.refreshSeconds ?? 30,
        csrfField: deps.operator?.csrf.field(req, reply),
        role: req.operator ? roleOf(req) : undefined,
      };
      return sendHtml(reply, 200, caseListPage(view));
    });

    app.get('/console/cases/:id', { preHandler: deps.requireOperator, schema: CASE_ROUTE_SCHEMA }, async (req, reply) => {
      const { id } = req.params as { id: string };
      return renderCase(req, reply, id, 200);
    });

    const op = deps.operator;
    if (!op) return;

    const preferences = deps.preferences;
    if (preferences)
      app.post(
        '/console/preferences',
        {
          preHandler: deps.requireOperator,
          schema: { querystring: langQuery, body: formBody({ lang: z.enum(LANGS).describe('the console language to keep') }) },
        },
        async (req, reply) => {
          if (!op.csrf.verify(req)) throw new Refusal('stale_form');
          const who = req.operator;
          if (!who) throw new Refusal('sign_in_first');
          await preferences.setLang(who.id, req.body.lang);
          return reply.redirect(`/console?lang=${req.body.lang}&saved=1`, 303);
        },
      );

    /** One POST action: CSRF first, then the role, then the action; its refusal is shown on the case page. */
    const action = (
      path: CaseActionName,
      run: (req: FastifyRequest, caseId: string, operatorId: string) => Promise<unknown>,
      needs: ConsoleRole = 'operator',
    ) =>
      app.post(`/console/cases/:id/${path}`, { preHandler: deps.requireOperator, schema: ACTION_SCHEMA }, async (req, reply) => {
        const { id } = req.params as { id: string };
        if (!op.csrf.verify(req)) return renderCase(req, reply, id, 403, { code: 'stale_form', text: staleFormText });
        const operator = req.operator;
        if (!operator) throw new Refusal('sign_in_first');
        if (!roleAtLeast(roleOf(req), needs))
          throw new Refusal('needs_role', { role: needs, back: `/console/cases/${encodeURIComponent(id)}` });
        try {
          await run(req, id, operator.id);
        } catch (err) {
          if (!(err instanceof OperatorActionError)) throw err;
          return renderCase(req, reply, id, STATUS[err.code], {
            code: err.code,
            text: (lang) => caseActionErrorText(err, path, lang, timeZone),
          });
        }
        // The answer page stays in the language the form was in (the forms carry ?lang).
        return reply.redirect(`/console/cases/${encodeURIComponent(id)}${req.langChosen ? `?lang=${req.lang}` : ''}`, 303);
      });

    action('approve', (_req, id, operatorId) => op.actions.approveCallback(id, { accountId: operatorId }));
    action('cancel', (req, id, operatorId) => op.actions.cancel(id, { accountId: operatorId }, field(req, 'reason')));
    const unfreezeEnrolment = op.unfreezeEnrolment;
    if (unfreezeEnrolment) action('unfreeze-enrolment', (_req, id, operatorId) => unfreezeEnrolment(id, operatorId), 'admin');
    action('call-now', (req, id, operatorId) =>
      op.actions.callNow(id, { accountId: operatorId }, { outsideHours: ['1', 'on'].includes(field(req, 'outside_hours') ?? '') }),
    );
  };
}
