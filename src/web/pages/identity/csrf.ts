import crypto from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hmacHex } from '../../../security/keys';
import { type SafeHtml, html } from '../../../html/safe-html';

export const CSRF_COOKIE = 'aizuchi_csrf';
export const CSRF_FIELD = '_csrf';

export interface Csrf {
  /** The token for forms on this response; sets the browser's CSRF cookie when it has none. */
  token(request: FastifyRequest, reply: FastifyReply): string;
  /** `<input type="hidden" name="_csrf" …>` for a form. */
  field(request: FastifyRequest, reply: FastifyReply): SafeHtml;
  /**
   * True when the posted `_csrf` matches the browser's cookie; `submitted` instead of the body's
   * field where no body exists (a WebSocket handshake carries it in its query).
   */
  verify(request: FastifyRequest, submitted?: string): boolean;
}

/**
 * Signed double-submit: the browser holds a random value in an HttpOnly cookie and each form carries
 * HMAC(key, value). Another site can neither read the cookie nor compute the HMAC, and SameSite=Lax
 * keeps the cookie off cross-site POSTs as a second barrier. Works before sign-in (the sign-in form
 * itself is protected against login CSRF).
 */
export function createCsrf(key: Buffer, secureCookie: boolean): Csrf {
  const sign = (value: string) => hmacHex(key, `csrf:${value}`);
  const wellFormed = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]{32,64}$/.test(value);

  function token(request: FastifyRequest, reply: FastifyReply): string {
    let value = request.cookies[CSRF_COOKIE];
    if (!wellFormed(value)) {
      value = crypto.randomBytes(24).toString('base64url');
      // Remember it for the rest of this request so two forms on one page agree.
      request.cookies[CSRF_COOKIE] = value;
      reply.setCookie(CSRF_COOKIE, value, { path: '/', httpOnly: true, sameSite: 'lax', secure: secureCookie });
    }
    return sign(value);
  }

  function verify(request: FastifyRequest, given?: string): boolean {
    const value = request.cookies[CSRF_COOKIE];
    const body = request.body as Record<string, unknown> | undefined;
    const submitted = given ?? body?.[CSRF_FIELD];
    if (!wellFormed(value) || typeof submitted !== 'string') return false;
    const expected = Buffer.from(sign(value));
    const actual = Buffer.from(submitted);
    return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
  }

  return {
    token,
    field: (request, reply) => html`<input type="hidden" name="${CSRF_FIELD}" value="${token(request, reply)}">`,
    verify,
  };
}
