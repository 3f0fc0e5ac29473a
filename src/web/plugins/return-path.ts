import type { FastifyReply, FastifyRequest } from 'fastify';

/** Holds the console page a signed-out visitor asked for, for sign-in to return to (path /signin only). */
export const RETURN_COOKIE = 'aizuchi_return';

/** How long a return path waits for the sign-in to finish (s): the sign-in page's own patience. */
const RETURN_MAX_AGE_SEC = 15 * 60;

const BASE = 'http://return.invalid';

/**
 * A same-site console path to return to, or null (the caller then uses /console). Checked on the
 * path a browser would actually follow, not on the text given: the value must be a path ('/', not
 * '//', no backslash, whitespace or control character, which browsers drop or read as '/'), and
 * once dot segments and percent-encoded dots are resolved (WHATWG URL) still on this site and under
 * /console. Returns that resolved path and query (no fragment), leading slashes folded, so a
 * `/console/..//evil.example` can never come out as `//evil.example` (another host, RFC 3986 4.2).
 */
export function safeConsolePath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  if (!value.startsWith('/') || value.startsWith('//') || /[\\\s\p{Cc}]/u.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE || url.username || url.password) return null;
  const path = url.pathname.replace(/^\/{2,}/, '/');
  if (!/^\/console(?:\/|$)/.test(path) || path.startsWith('/console//')) return null;
  return `${path}${url.search}`;
}

/**
 * Before the console's gate sends a signed-out browser to /signin: remembers the page it asked for
 * (a GET for an HTML page only, not a live stream or a form post) in RETURN_COOKIE, for
 * takeReturnPath at the end of sign-in. Nothing is kept for a path safeConsolePath refuses.
 */
export function rememberReturnPath(request: FastifyRequest, reply: FastifyReply, secure: boolean): void {
  if (request.method !== 'GET' || !String(request.headers.accept ?? '').includes('text/html')) return;
  const path = safeConsolePath(request.url);
  if (!path) return;
  reply.setCookie(RETURN_COOKIE, path, { path: '/signin', httpOnly: true, sameSite: 'lax', secure, maxAge: RETURN_MAX_AGE_SEC });
}

/**
 * The remembered console page, checked again (the cookie is the browser's to change), and the
 * cookie cleared so it is used once. Null when there is none or it is not a safe console path.
 */
export function takeReturnPath(request: FastifyRequest, reply: FastifyReply): string | null {
  const kept = request.cookies[RETURN_COOKIE];
  if (kept === undefined) return null;
  reply.clearCookie(RETURN_COOKIE, { path: '/signin' });
  return safeConsolePath(kept);
}
