import type { ConsoleRole } from './console-roles';
import { AizuchiError } from './errors';

/**
 * Why a console or operator route turned a request away before doing anything (issue 10: the
 * console in Japanese and English, refusals included). The web area's error handler renders a
 * Refusal as a small page in the request's language, or `{error: kind, message}` for a client that
 * asks for JSON (web/refusal-reply.ts); the words live in web/pages/console/refusal-texts.ts.
 *
 * - `stale_form`: a form's CSRF token is missing, old or from another site.
 * - `stale_page`: a live page's token (listen-in handshake, take over) no longer matches: reload it.
 * - `needs_role`: the signed-in person's console role is below `role` (`viewer`: not a console account at all).
 * - `sign_in_first`: a route that needs a signed-in operator ran without one.
 * - `operators_need_mfa`: an operator account without MFA (issue 7, finding 1).
 * - `not_from_console`: a WebSocket handshake whose Origin is another site.
 * - `not_found`: the case, escalation, manual recovery or recording named in the address does not exist.
 */
export const REFUSAL_KINDS = [
  'stale_form',
  'stale_page',
  'needs_role',
  'sign_in_first',
  'operators_need_mfa',
  'not_from_console',
  'not_found',
] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];

/** What a `not_found` refusal could not find. */
export type MissingThing = 'case' | 'escalation' | 'manual_recovery' | 'recording';

/** What the refusal kept from happening; the page says "nothing was changed / shown / opened". */
export type NothingDone = 'changed' | 'shown' | 'opened';

export interface RefusalOptions {
  /** HTTP status; default 404 for `not_found`, 403 for every other kind (as the routes answered before). */
  status?: number;
  /** `needs_role`: the least role the action needs. */
  role?: ConsoleRole;
  /** `not_found`: what is missing. */
  what?: MissingThing;
  /** Default: `shown` for GET and HEAD, `changed` otherwise (decided by the renderer). */
  nothing?: NothingDone;
  /** A same-site path for the page's way back (its `?lang` is set by the renderer); default by kind. */
  back?: string;
}

/**
 * A refusal, thrown from a route or a preHandler (Fastify hands it to the app's error handler).
 * `code` is the kind; the message is English for logs only — people read refusal-texts.ts.
 */
export class Refusal extends AizuchiError {
  declare readonly code: RefusalKind;
  readonly statusCode: number;

  constructor(
    readonly kind: RefusalKind,
    readonly options: RefusalOptions = {},
  ) {
    super(`refused: ${kind}${options.role ? ` (${options.role})` : ''}${options.what ? ` (${options.what})` : ''}`, {
      code: kind,
      retryable: false,
    });
    // Fastify's default handler (a plugin registered without the app's) still answers with this status.
    this.statusCode = options.status ?? (kind === 'not_found' ? 404 : 403);
  }
}
