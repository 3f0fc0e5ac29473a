import crypto from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CONSENT_VERSION, type RecoveryRequestService, type RecoveryResult, recoveryRequestSchema } from '../../cases/recovery-request';
import type { RecoveryUndo } from '../../cases/recovery-undo';
import { type Lang, isLang } from '../../domain/lang';
import type { Csrf } from '../pages/identity/csrf';
import type { HandoffBinder, HandoffBinding } from './handoff-binding';
import { disownConfirmPage, messagePage, recoveryFormPage } from '../pages/recovery/recovery-pages';
import { RECOVERY_TEXTS } from '../pages/recovery/texts';
import { invalidRequestMessage } from '../pages/recovery/validation-texts';
import { invalidField, zodRoutes } from '../openapi';

export interface RecoveryPluginDeps {
  recovery: RecoveryRequestService;
  /** What the "this wasn't me" link does (cases/recovery-undo.ts). */
  undo: Pick<RecoveryUndo, 'preview' | 'disown'>;
  /** The account whose password was verified in this browser's sign-in session, if any. */
  passwordEvidence(req: FastifyRequest): Promise<{ accountId: string; email: string } | null>;
  /** Cross-site request forgery protection for the HTML form (the JSON API needs a JSON content type instead). */
  csrf: Csrf;
  /** Adds a fixed floor to every response so that work done only for real accounts cannot show. */
  minResponseMs?: number;
  /** The sign-in hand-off (`GET /recover?handoff=<JWT>`, issue 12); without it the parameter is ignored. */
  handoff?: HandoffBinder;
}

/** The request context's evidence fields for a hand-off binding, else for the sign-in session's evidence. */
function evidenceContext(binding: HandoffBinding | null, session: { accountId: string } | null) {
  if (binding?.kind === 'verified')
    return {
      passwordVerifiedForAccountId: binding.subject,
      passwordVerifiedEmail: binding.email,
      passwordEvidenceSource: 'signed_handoff' as const,
    };
  return {
    passwordVerifiedForAccountId: session?.accountId,
    ...(binding?.kind === 'refused' ? { handoffRefused: binding.reason } : {}),
  };
}

/** A random per-browser id, so recovery limits also count the requester's device (not only what they type). */
export const DEVICE_COOKIE = 'aizuchi_device';
const DEVICE_COOKIE_MAX_AGE_SEC = 365 * 86_400;

function deviceId(req: FastifyRequest): string | undefined {
  const value = req.cookies?.[DEVICE_COOKIE];
  return typeof value === 'string' && /^[A-Za-z0-9_-]{22,64}$/.test(value) ? value : undefined;
}

/** Gives a browser its device cookie the first time it opens the form. */
function ensureDeviceCookie(req: FastifyRequest, reply: FastifyReply): void {
  if (deviceId(req)) return;
  const secure = req.protocol === 'https';
  reply.setCookie(DEVICE_COOKIE, crypto.randomBytes(18).toString('base64url'), {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: DEVICE_COOKIE_MAX_AGE_SEC,
  });
}

const wellFormedToken = (token: unknown): token is string => typeof token === 'string' && token.length >= 20 && token.length <= 100;

/**
 * True for a form post another site made: the browser says so (`Sec-Fetch-Site`), or the `Origin`
 * is not this host. Browsers without either header are left to the token alone.
 */
function isCrossSite(req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true; // "null" (a sandboxed or privacy-redirected page) or garbage
  }
}

/** The form's own language field (the customer's choice for the call and mail), else the request's (request-lang.ts). */
const formLang = (req: FastifyRequest, field: unknown): Lang => (isLang(field) ? field : req.lang);

async function withFloor<T>(floorMs: number, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  const left = floorMs - (performance.now() - started);
  if (left > 0) await new Promise((r) => setTimeout(r, left));
  return result;
}

/**
 * The API's answer. A 400's `message` is in Japanese when the request's `lang` is `ja` (issue 13:
 * a page posting for a Japanese customer can show it as is); otherwise the English message as before.
 */
function sendApiResult(reply: FastifyReply, result: RecoveryResult, body: Record<string, unknown>) {
  switch (result.kind) {
    case 'accepted':
      return reply
        .code(202)
        .send({ status: 'accepted', message: 'If the details match an account, we will email the time of the callback.' });
    case 'invalid': {
      const message = body.lang === 'ja' ? invalidRequestMessage('ja', result.field, body) : result.message;
      return reply.code(400).send({ error: 'invalid_request', message, field: result.field });
    }
    case 'rate_limited':
      return reply
        .code(429)
        .header('retry-after', String(result.retryAfterSec))
        .send({ error: 'rate_limited', message: 'too many requests; try again later' });
  }
}

const langQuery = z.object({ lang: z.string().optional().describe('ja or en; otherwise Accept-Language decides') });
const formQuery = langQuery.extend({ handoff: z.string().optional().describe('a sign-in hand-off token (single use)') });
const cancelQuery = z.object({ token: z.string().optional().describe('the capability from the mail'), lang: z.string().optional() });
const formBody = z.object({
  email: z.string().optional(),
  phone: z.string().optional(),
  lang: z.string().optional(),
  consent: z.string().optional().describe('"yes" or "on" when ticked'),
  recordingConsent: z.string().optional(),
  _csrf: z.string().optional(),
});
/** HTML pages check their own input and answer with a page: the schema describes, the handler decides. */
const pageSchema = <Q extends z.ZodType>(querystring: Q) => ({ querystring });
const apiSchema = {
  summary: 'Request a callback to recover an account whose MFA device is lost',
  description: 'Always 202 with the same body whatever the account (README "The HTTP API"); 400 names the field; 429 with Retry-After.',
  body: recoveryRequestSchema,
};

/** The "can't use your MFA device?" form, its JSON API, and the "this wasn't me" link. */
export function recoveryPlugin(deps: RecoveryPluginDeps): FastifyPluginAsync {
  const floorMs = deps.minResponseMs ?? 0;
  return async (app) => {
    const api = zodRoutes(app);
    api.post('/api/v1/recovery-requests', { schema: apiSchema, attachValidation: true }, async (req, reply) => {
      // Only JSON: a cross-site HTML form can send urlencoded or text/plain bodies but not
      // application/json, so this is what keeps the API out of CSRF's reach.
      if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
        return reply
          .code(415)
          .send({ error: 'unsupported_media_type', message: 'send the request as JSON (content-type: application/json)' });
      }
      if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
        return reply.code(400).send({ error: 'invalid_request', message: 'body must be a JSON object' });
      }
      const invalid = req.validationError;
      if (invalid) {
        // The service's own schema failed: the same answer the service gives, after the same floor.
        const message = (invalid as { validation?: Array<{ message?: string }> }).validation?.[0]?.message ?? invalid.message;
        const field = invalidField(invalid as Parameters<typeof invalidField>[0]);
        const verdict: RecoveryResult = { kind: 'invalid', message, ...(field ? { field } : {}) };
        return withFloor(floorMs, async () => sendApiResult(reply, verdict, req.body as Record<string, unknown>));
      }
      const result = await withFloor(floorMs, () => deps.recovery.submit(req.body, { clientIp: req.ip, deviceId: deviceId(req) }));
      return sendApiResult(reply, result, req.body as Record<string, unknown>);
    });

    api.get('/recover', { schema: pageSchema(formQuery), attachValidation: true }, async (req, reply) => {
      const lang = req.lang;
      const handoffToken = (req.query as Record<string, unknown> | undefined)?.handoff;
      if (deps.handoff && typeof handoffToken === 'string') {
        // Redeemed at once (the token is single use and short-lived), remembered in a cookie, and the
        // address bar cleared of it: the token must not stay in history or leave in a Referer header.
        const binding = await deps.handoff.redeem(req, reply, handoffToken);
        if (binding.kind === 'refused') req.log.warn({ handoffRefused: binding.reason }, 'sign-in hand-off refused');
        return reply.header('cache-control', 'no-store').redirect(`/recover?lang=${lang}`, 303);
      }
      const bound = deps.handoff?.read(req) ?? null;
      const evidence = bound?.kind === 'verified' ? { email: bound.email } : await deps.passwordEvidence(req);
      const csrfField = deps.csrf.field(req, reply);
      ensureDeviceCookie(req, reply);
      return reply.type('text/html').send(
        recoveryFormPage({
          lang,
          email: evidence?.email,
          hasPasswordEvidence: evidence !== null,
          consentVersion: CONSENT_VERSION,
          csrfField,
        }),
      );
    });

    // The "request sent" words again, in the chosen language: the target of the accepted page's
    // language switch. It says only what every accepted request is told (nothing about this one).
    api.get('/recover/sent', { schema: pageSchema(langQuery), attachValidation: true }, async (req, reply) => {
      const lang = req.lang;
      const t = RECOVERY_TEXTS[lang];
      return reply.type('text/html').send(messagePage(lang, t.title, t.accepted, 'notice', '/recover/sent'));
    });

    api.post('/recover', { schema: { ...pageSchema(langQuery), body: formBody }, attachValidation: true }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const lang = formLang(req, body.lang);
      const t = RECOVERY_TEXTS[lang];
      if (!deps.csrf.verify(req)) {
        return reply
          .code(403)
          .type('text/html')
          .send(messagePage(lang, t.title, t.expiredForm, 'error', '/recover'));
      }
      const bound = deps.handoff?.read(req) ?? null;
      const session = bound?.kind === 'verified' ? null : await deps.passwordEvidence(req);
      const evidence = bound?.kind === 'verified' ? { email: bound.email } : session;
      const input = {
        email: body.email,
        phone: body.phone,
        lang,
        consent: body.consent === 'yes' || body.consent === 'on' ? true : undefined,
        recordingConsent: body.recordingConsent === 'yes' || body.recordingConsent === 'on',
      };
      const result = await withFloor(floorMs, () =>
        deps.recovery.submit(input, { clientIp: req.ip, deviceId: deviceId(req), ...evidenceContext(bound, session) }),
      );
      reply.type('text/html');
      // A binding serves one accepted request; a refused one is forgotten too, so the next request is plain.
      if (bound && result.kind === 'accepted') deps.handoff?.clear(reply);
      // The language switch (issue 13): a POST's answer cannot be asked again, so "accepted" links to
      // GET /recover/sent (the same words, which name nothing of the request) and "too many" to the form.
      if (result.kind === 'accepted') return reply.code(202).send(messagePage(lang, t.title, t.accepted, 'notice', '/recover/sent'));
      if (result.kind === 'rate_limited')
        return reply
          .code(429)
          .header('retry-after', String(result.retryAfterSec))
          .send(messagePage(lang, t.title, t.limited, 'error', '/recover'));
      return reply.code(400).send(
        recoveryFormPage({
          lang,
          email: String(body.email ?? ''),
          phone: String(body.phone ?? ''),
          error: invalidRequestMessage(lang, result.field, body),
          consent: input.consent === true,
          recordingConsent: input.recordingConsent,
          hasPasswordEvidence: evidence !== null,
          consentVersion: CONSENT_VERSION,
          csrfField: deps.csrf.field(req, reply),
        }),
      );
    });

    // "This wasn't me": the GET only shows a confirmation (mail scanners open links); the POST acts.
    api.get('/recover/cancel', { schema: pageSchema(cancelQuery), attachValidation: true }, async (req, reply) => {
      const { token } = (req.query ?? {}) as Record<string, unknown>;
      const lang = req.lang; // the link carries the request's language (?lang)
      const t = RECOVERY_TEXTS[lang];
      // The token is in this URL: keep it out of caches and out of Referer headers to other sites.
      // Not 'no-referrer': browsers then send `Origin: null` with the form's POST, which the
      // cross-site check must refuse.
      reply.type('text/html').header('cache-control', 'no-store').header('referrer-policy', 'same-origin');
      if (!wellFormedToken(token)) return reply.code(400).send(messagePage(lang, t.disownTitle, t.unknownLink, 'error'));
      if ((await deps.undo.preview(token)) === 'unknown')
        return reply.code(404).send(messagePage(lang, t.disownTitle, t.unknownLink, 'error'));
      return reply.send(disownConfirmPage(lang, token));
    });

    api.post('/recover/cancel', { schema: { querystring: langQuery, body: cancelQuery }, attachValidation: true }, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const lang = formLang(req, body.lang); // the form carries the link's language
      const t = RECOVERY_TEXTS[lang];
      reply.type('text/html').header('cache-control', 'no-store');
      // The token is the capability (no session needed: the mail may be opened on another device);
      // a post from another site is refused outright, so a page cannot trigger it with a stolen link.
      if (isCrossSite(req)) return reply.code(403).send(messagePage(lang, t.disownTitle, t.crossSite, 'error'));
      if (!wellFormedToken(body.token)) return reply.code(400).send(messagePage(lang, t.disownTitle, t.unknownLink, 'error'));
      const outcome = await deps.undo.disown(body.token);
      if (outcome === 'unknown') return reply.code(404).send(messagePage(lang, t.disownTitle, t.unknownLink, 'error'));
      const message = outcome === 'cancelled' ? t.cancelled : outcome === 'reset_disowned' ? t.resetDisowned : t.alreadyClosed;
      return reply.send(messagePage(lang, t.disownTitle, message));
    });
  };
}
