/**
 * Scrubbing for what reaches logs (issue 7, finding 7: redact at the sink). Links carry bearer tokens both
 * in query strings (`/recover/cancel?token=`, `/api/v1/softphone/ws?token=`, `/api/v1/calls/text?token=`)
 * and in paths (`/call/<token>`, the 14-day softphone link); a token in a log is as good as the link.
 */

/** Routes whose next path segment is a link token, whatever it looks like (a mistyped token still is one). */
const TOKEN_PATH_PREFIXES: readonly string[] = ['call'];
const TOKEN_PLACEHOLDER = ':token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** newToken() is 43 base64url characters; anything from 20 up with a digit, capital or underscore is treated alike. */
const TOKEN_SHAPED = /[A-Za-z0-9_-]{20,}/g;
const QUERY_VALUE = /([?&][\w.-]+=)[^&\s"'#<>]*/g;
/** maskEmail's output (first letter, ***, domain): already safe, and what operators read in logs. */
const MASKED_EMAIL = /^[^@]?\*\*\*@/;
const EMAIL = /[^\s@"'<>()[\]{}:;,]+@[^\s@"'<>()[\]{}:;,]+\.[a-z]{2,}/gi;
const MAX_DEPTH = 4;

/** Error codes (`WS_ERR_UNSUPPORTED_MESSAGE_LENGTH`, `FST_ERR_CTP_BODY_TOO_LARGE`): upper-case words joined by `_`, never a random token. */
const ERROR_CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+){2,}$/;
/** A class name such as `SynthesisAbortedError`: a system_error's cause, never a random token. */
const ERROR_NAME = /^[A-Z][A-Za-z]*(Error|Exception)$/;

function isTokenShaped(segment: string): boolean {
  return (
    segment.length >= 20 &&
    /^[A-Za-z0-9_-]+$/.test(segment) &&
    /[A-Z0-9_]/.test(segment) &&
    !UUID.test(segment) &&
    !ERROR_CODE.test(segment) &&
    !ERROR_NAME.test(segment)
  );
}

/**
 * The path of a request URL for logs: the query string dropped, token segments replaced by `:token`
 * ("/call/AbC…xyz?lang=en" → "/call/:token"), segments holding an address by `:email`. Ids (UUIDs) and
 * route words are kept.
 */
export function scrubUrl(url: string): string {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      if (segment === '') return segment;
      const afterTokenRoute = i > 0 && TOKEN_PATH_PREFIXES.includes(segments[i - 1] ?? '');
      if (afterTokenRoute || isTokenShaped(segment)) return TOKEN_PLACEHOLDER;
      // An address typed into a path by anyone (no route takes one) is personal data all the same.
      return /@|%40/i.test(segment) ? ':email' : segment;
    })
    .join('/');
}

/** Free text (messages, error messages, stacks): query values, token-shaped runs and addresses removed. */
export function scrubText(text: string): string {
  return text
    .replace(QUERY_VALUE, '$1[redacted]')
    .replace(/\/call\/[^\s/?#"'<>]+/g, `/call/${TOKEN_PLACEHOLDER}`)
    .replace(TOKEN_SHAPED, (run) => (isTokenShaped(run) ? '[token]' : run))
    .replace(EMAIL, (address) => (MASKED_EMAIL.test(address) ? address : '[email]'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Every string inside plain objects and arrays (to a small depth), scrubbed; other objects (requests,
 * errors, buffers) are left to their serializers. Returns new objects; the input is not changed.
 */
export function scrubDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubDeep(v, depth + 1)) as T;
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = scrubDeep(v, depth + 1);
  return out as T;
}
