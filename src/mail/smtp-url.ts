import { AizuchiError } from '../domain/errors';
/**
 * The relay is configured from ONE string (AIZUCHI_SMTP_URL):
 *
 *   smtp://[user:pass@]host[:port][?starttls=opportunistic|required|never]
 *   smtps://[user:pass@]host[:port]
 *
 * - `smtp://`  plain connection upgraded with STARTTLS; port defaults to 587 (submission).
 *   `starttls=opportunistic` (default) upgrades when the server offers it, `required` refuses to
 *   send unless the upgrade succeeds, `never` stays in clear text (only for a relay on loopback).
 * - `smtps://` TLS from the first byte ("implicit TLS"); port defaults to 465.
 * - user and password are URL-encoded (`p%40ss` for `p@ss`); both or neither.
 * - `tls_verify=false` accepts any certificate (a lab relay with a self-signed cert; prefer
 *   NODE_EXTRA_CA_CERTS=/path/ca.pem, which keeps verification on).
 *
 * Examples: `smtp://apikey:s3cret@smtp.example.com:587`, `smtps://u:p@mail.example.jp:465`,
 * `smtp://10.0.0.5:25?starttls=required`.
 */
export type StartTlsMode = 'opportunistic' | 'required' | 'never';

export interface SmtpEndpoint {
  host: string;
  port: number;
  /** Implicit TLS (smtps). */
  secure: boolean;
  startTls: StartTlsMode;
  auth: { user: string; pass: string } | null;
  verifyCertificate: boolean;
}

export class SmtpUrlError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'smtp_url', cause: options?.cause });
  }
}

const KNOWN_PARAMS = new Set(['starttls', 'tls_verify']);

export function parseSmtpUrl(input: string): SmtpEndpoint {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new SmtpUrlError('SMTP URL is not a valid URL (expected smtp://user:pass@host:587)');
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'smtp' && scheme !== 'smtps') {
    throw new SmtpUrlError(`SMTP URL must start with smtp:// or smtps://, not ${scheme}://`);
  }
  const secure = scheme === 'smtps';
  // WHATWG URL keeps brackets around IPv6 literals; net.connect wants them off.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new SmtpUrlError('SMTP URL has no host');
  const port = url.port ? Number(url.port) : secure ? 465 : 587;

  for (const key of url.searchParams.keys()) {
    if (!KNOWN_PARAMS.has(key)) throw new SmtpUrlError(`SMTP URL has an unknown option "${key}"`);
  }
  const startTlsParam = url.searchParams.get('starttls') ?? 'opportunistic';
  if (startTlsParam !== 'opportunistic' && startTlsParam !== 'required' && startTlsParam !== 'never') {
    throw new SmtpUrlError('SMTP URL option starttls must be opportunistic, required or never');
  }
  if (secure && url.searchParams.has('starttls')) {
    throw new SmtpUrlError('smtps:// is TLS from the start; the starttls option applies to smtp:// only');
  }
  const verifyParam = url.searchParams.get('tls_verify') ?? 'true';
  if (verifyParam !== 'true' && verifyParam !== 'false') {
    throw new SmtpUrlError('SMTP URL option tls_verify must be true or false');
  }

  let auth: SmtpEndpoint['auth'] = null;
  if (url.username || url.password) {
    if (!url.username || !url.password) throw new SmtpUrlError('SMTP URL must give both user and password, or neither');
    try {
      auth = { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) };
    } catch {
      throw new SmtpUrlError('SMTP URL user or password is not valid percent-encoding');
    }
  }
  return { host, port, secure, startTls: startTlsParam, auth, verifyCertificate: verifyParam === 'true' };
}

/** The URL with the password hidden, for logs and error messages. */
export function describeSmtpEndpoint(e: SmtpEndpoint): string {
  const cred = e.auth ? `${e.auth.user}:***@` : '';
  return `${e.secure ? 'smtps' : 'smtp'}://${cred}${e.host}:${e.port}`;
}
