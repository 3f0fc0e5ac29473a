import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import type { CaseService } from '../../cases/case-service';
import { roleAtLeast } from '../../domain/console-roles';
import { formatPhoneNational } from '../../domain/phone';
import { Refusal } from '../../domain/refusal';
import type { Csrf } from '../pages/identity/csrf';
import { z } from 'zod';
import { zodRoutes } from '../openapi';
import { formBody, idParams, langQuery } from '../route-schemas';
import { REVEAL_FIELDS, type RevealField, contactRevealPage } from '../pages/console/contact-reveal-page';

/** The case history's event for a revealed contact detail: data `{operatorId, field}`, never the value. */
export const CONTACT_REVEALED_EVENT = 'contact_revealed';

export interface ContactRevealDeps {
  cases: Pick<CaseService, 'get' | 'inTransaction' | 'record'>;
  /** The console's gate (sets request.operator). */
  requireOperator: preHandlerAsyncHookHandler;
  /** fresh-auth.ts requireFreshAuth(): a password + TOTP or SSO login in the last 5 minutes. */
  requireFreshAuth: preHandlerAsyncHookHandler;
  csrf: Csrf;
}

const schema = {
  params: idParams,
  querystring: langQuery,
  body: formBody({ field: z.enum(REVEAL_FIELDS).describe('which contact detail to show in full') }),
};

/**
 * POST /console/cases/:id/reveal `{field: phone|email}` (issue 10: "revealing a full phone number
 * or email for a call" is a sensitive action). Checks, in order: the console gate; the form's CSRF
 * token and the role (operator or admin; a viewer's post is 403 — before re-authentication, so a
 * viewer is refused, not asked to sign in again); a fresh authentication (else 303 to /signin/reauth,
 * and the person presses Show again). Then `contact_revealed` `{operatorId, field}` is committed to
 * the case's chain BEFORE the value is sent, and the page answers once with Cache-Control: no-store.
 */
export function contactRevealPlugin(deps: ContactRevealDeps): FastifyPluginAsync {
  const mayReveal: preHandlerAsyncHookHandler = async (req) => {
    const back = `/console/cases/${encodeURIComponent((req.params as { id: string }).id)}`;
    if (!deps.csrf.verify(req)) throw new Refusal('stale_form', { nothing: 'shown', back });
    if (!req.operator || !roleAtLeast(req.operator.role, 'operator'))
      throw new Refusal('needs_role', { role: 'operator', nothing: 'shown', back });
  };
  return async (plain) => {
    const app = zodRoutes(plain);
    app.post(
      '/console/cases/:id/reveal',
      { preHandler: [deps.requireOperator, mayReveal, deps.requireFreshAuth], schema },
      async (req, reply) => {
        const { id } = req.params as { id: string };
        const { field } = req.body as { field: RevealField };
        const operatorId = req.operator!.id;
        const row = await deps.cases.get(id);
        if (!row) throw new Refusal('not_found', { what: 'case', nothing: 'shown' });
        await deps.cases.inTransaction((trx) => deps.cases.record(trx, id, CONTACT_REVEALED_EVENT, { operatorId, field }));
        req.log.info({ operatorId, caseId: id, field }, 'contact detail revealed');
        const body = contactRevealPage({
          lang: req.lang,
          caseId: id,
          reference: row.reference ?? null,
          field,
          ...(field === 'phone'
            ? { phone: { e164: row.phone_e164, national: formatPhoneNational(row.phone_e164) } }
            : { email: row.email }),
          navCsrfField: deps.csrf.field(req, reply),
        });
        return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
      },
    );
  };
}
