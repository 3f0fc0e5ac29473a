import { createHash, randomBytes } from 'node:crypto';
import { AizuchiError } from '../../domain/errors';
import { splitTopLevel } from './message';

/**
 * SIP digest authentication (RFC 3261 §22 over RFC 2617; RFC 7616 hashes, which RFC 8760 brings to
 * SIP): MD5, SHA-256 and SHA-512-256, with or without qop=auth. TELEPHONY.md §4.2 has the test vectors.
 */

export class SipAuthError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'sip_auth', retryable: false });
  }
}

export type DigestAlgorithm = 'MD5' | 'SHA-256' | 'SHA-512-256';

const HASHES: Record<DigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm: DigestAlgorithm;
  /** The qop options offered (empty: the RFC 2069 form without qop). */
  readonly qop: string[];
  readonly opaque?: string;
  readonly stale: boolean;
}

/**
 * Parses one `WWW-Authenticate`/`Proxy-Authenticate` value. Returns null for other schemes, for
 * algorithms we do not implement (`-sess` variants included) and for a challenge missing realm or
 * nonce, so the caller can try the next one (RFC 8760 §2.4: use the first supported challenge).
 */
export function parseChallenge(value: string): DigestChallenge | null {
  const m = /^\s*Digest\s+(.*)$/is.exec(value);
  if (!m) return null;
  const fields = new Map<string, string>();
  for (const part of splitTopLevel(m[1]!, ',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    let v = part.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    fields.set(part.slice(0, eq).trim().toLowerCase(), v);
  }
  const realm = fields.get('realm');
  const nonce = fields.get('nonce');
  if (realm === undefined || nonce === undefined) return null;
  const algorithmRaw = (fields.get('algorithm') ?? 'MD5').toUpperCase();
  if (!(algorithmRaw in HASHES)) return null;
  const opaque = fields.get('opaque');
  return {
    realm,
    nonce,
    algorithm: algorithmRaw as DigestAlgorithm,
    qop: (fields.get('qop') ?? '')
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter(Boolean),
    ...(opaque === undefined ? {} : { opaque }),
    stale: (fields.get('stale') ?? '').toLowerCase() === 'true',
  };
}

/** The first challenge among `values` that we can answer, or null. */
export function chooseChallenge(values: readonly string[]): DigestChallenge | null {
  for (const v of values) {
    const c = parseChallenge(v);
    if (c) return c;
  }
  return null;
}

function h(algorithm: DigestAlgorithm, text: string): string {
  return createHash(HASHES[algorithm]).update(text, 'utf8').digest('hex');
}

export interface DigestInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly password: string;
  readonly realm: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  /** 'auth' or undefined (no qop). auth-int is not offered by any trunk we target and is not implemented. */
  readonly qop?: 'auth';
  /** Nonce count, 8 hex digits, e.g. '00000001' (only with qop). */
  readonly nc?: string;
  readonly cnonce?: string;
}

/** The `response` value: H(HA1:nonce:nc:cnonce:qop:HA2) with qop, H(HA1:nonce:HA2) without. */
export function digestResponse(input: DigestInput): string {
  const ha1 = h(input.algorithm, `${input.username}:${input.realm}:${input.password}`);
  const ha2 = h(input.algorithm, `${input.method}:${input.uri}`);
  if (input.qop === 'auth') {
    if (!input.nc || !input.cnonce) throw new SipAuthError('qop=auth needs nc and cnonce');
    return h(input.algorithm, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:auth:${ha2}`);
  }
  return h(input.algorithm, `${ha1}:${input.nonce}:${ha2}`);
}

function quote(v: string): string {
  return `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * Answers a challenge: the `Authorization`/`Proxy-Authorization` value for `method` on `uri`.
 * `nonceCount` is how many times this nonce was used including now (1 on first use).
 */
export function authorize(
  challenge: DigestChallenge,
  creds: { username: string; password: string },
  method: string,
  uri: string,
  nonceCount = 1,
  cnonce: string = randomBytes(12).toString('hex'),
): string {
  const qop = challenge.qop.includes('auth') ? ('auth' as const) : undefined;
  if (challenge.qop.length > 0 && !qop) throw new SipAuthError('server offers only qop values we do not implement');
  const nc = nonceCount.toString(16).padStart(8, '0');
  const response = digestResponse({
    algorithm: challenge.algorithm,
    username: creds.username,
    password: creds.password,
    realm: challenge.realm,
    method,
    uri,
    nonce: challenge.nonce,
    ...(qop ? { qop, nc, cnonce } : {}),
  });
  const parts = [
    `username=${quote(creds.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(uri)}`,
    `response=${quote(response)}`,
    `algorithm=${challenge.algorithm}`,
  ];
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  return `Digest ${parts.join(', ')}`;
}
