import type { FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import type { CaseService } from '../../cases/case-service';
import { isCaseState } from '../../domain/cases/case-state';
import type { SafeHtml } from '../pages/html';
import { type MaskFns, caseListPage, casePage } from '../pages/console/console-pages';

export interface ConsolePluginDeps {
  cases: CaseService;
  requireOperator: preHandlerAsyncHookHandler;
  mask: MaskFns;
  /** Further sections of the case page (calls, transcripts, recordings) from other areas. */
  caseSections?: Array<(caseId: string) => Promise<SafeHtml>>;
}

/** The operators' console: cases with filters, and each case with its hash-chained timeline. */
export function consolePlugin(deps: ConsolePluginDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/console', { preHandler: deps.requireOperator }, async (req, reply) => {
      const q = (req.query ?? {}) as Record<string, unknown>;
      const state = isCaseState(q.state) ? q.state : undefined;
      const email = typeof q.email === 'string' && q.email.trim() ? q.email : undefined;
      const rows = await deps.cases.list({ state, email });
      return reply.type('text/html').send(caseListPage(rows, { state, email }, deps.mask));
    });

    app.get('/console/cases/:id', { preHandler: deps.requireOperator }, async (req, reply) => {
      const { id } = req.params as { id: string };
      const row = await deps.cases.get(id);
      if (!row) return reply.code(404).type('text/html').send('<!doctype html><p>No such case.</p>');
      const history = await deps.cases.history(id);
      const sections = await Promise.all((deps.caseSections ?? []).map((s) => s(id)));
      return reply.type('text/html').send(casePage(row, history, deps.mask, sections));
    });
  };
}
