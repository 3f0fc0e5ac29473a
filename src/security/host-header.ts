/**
 * DNS rebinding guard for services meant for this machine only (the dev mailbox, the metrics listener
 * without a token). Binding to loopback keeps other machines out, but a web page the developer opens can
 * point its own name at 127.0.0.1 and then read the service as same-origin; its requests carry the
 * page's Host name, which is how they are told apart (the usual defence, e.g. webpack-dev-server's
 * allowedHosts).
 */

/** Status for a request that reached this server under a name it does not serve (RFC 9110, 15.5.20). */
export const MISDIRECTED_REQUEST = 421;

/** The host name of a Host header (`evil.example:3100` → `evil.example`, `[::1]:80` → `::1`), lower-cased. */
function hostnameOf(header: string): string {
  const trimmed = header.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(trimmed);
  if (bracketed) return bracketed[1]!;
  return trimmed.replace(/:\d+$/, '');
}

/**
 * True when `hostHeader` names this machine (localhost, *.localhost, 127.0.0.0/8, ::1) or one of
 * `alsoAllowed` (host names, e.g. the public URL's). A missing header (HTTP/1.0) is allowed: browsers
 * always send one, so a rebinding page cannot leave it out.
 */
export function isLocalHostHeader(hostHeader: string | undefined, alsoAllowed: readonly string[] = []): boolean {
  if (hostHeader === undefined || hostHeader === '') return true;
  const name = hostnameOf(hostHeader);
  if (name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name)) return true;
  return alsoAllowed.some((allowed) => allowed.toLowerCase() === name);
}
