import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import type { Clock } from '../../domain/clock';
import type { SpentTokens } from './spent-tokens';

/**
 * Why a hand-off token was not accepted. Recorded on the case (never shown to the visitor):
 * - `malformed`: not a compact JWS, or its header or claims cannot be read;
 * - `bad_signature`: the signature does not verify, no published key matches, or the algorithm is not allowed;
 * - `wrong_issuer`, `wrong_audience`: `iss` / `aud` are not the configured ones;
 * - `expired`: past `exp`, or issued more than the allowed lifetime ago;
 * - `not_yet_valid`: `iat` or `nbf` in the future (beyond the clock tolerance);
 * - `too_long_lived`: `exp` more than HANDOFF_MAX_LIFETIME_SEC after `iat`, even if it has not expired;
 * - `missing_claim`: `sub`, `email`, `jti`, `iat` or `exp` absent or not the right type;
 * - `no_password`: `amr` does not contain `pwd` (the sign-in page did not check a password);
 * - `replayed`: this `jti` was accepted before;
 * - `keys_unavailable`: the JWKS could not be fetched or read (our side or theirs, not the visitor's fault).
 */
export type HandoffRefusal =
  | 'malformed'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'too_long_lived'
  | 'missing_claim'
  | 'no_password'
  | 'replayed'
  | 'keys_unavailable';

/** An accepted hand-off: the provider's user id (`sub`), the address it names, and the token's expiry. */
export interface VerifiedHandoff {
  subject: string;
  email: string;
  expiresAt: Date;
}

export type HandoffResult = { ok: true; handoff: VerifiedHandoff } | { ok: false; reason: HandoffRefusal };

export interface HandoffVerifier {
  /** Verifies `token` and, when it is good, spends its `jti`; never throws for a bad token. */
  verify(token: string): Promise<HandoffResult>;
}

/** Issue 12: a hand-off token lives at most 10 minutes from `iat` to `exp`. */
export const HANDOFF_MAX_LIFETIME_SEC = 600;
/** Clock skew allowed between the company's sign-in server and aizuchi, in seconds. */
export const HANDOFF_CLOCK_TOLERANCE_SEC = 30;
/**
 * Algorithms accepted per key source. Pinned so a token cannot pick its own (`none`, or HS256 with a
 * public key as the secret): a JWKS gives public keys only, a shared secret only HMAC.
 */
export const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export const SECRET_ALGORITHMS = ['HS256'] as const;

export type HandoffKeys = { jwksUrl: string } | { secret: string };

export interface HandoffVerifierOptions {
  keys: HandoffKeys;
  issuer: string;
  audience: string;
  spent: Pick<SpentTokens, 'spend'>;
  clock: Clock;
}

// The signature may be empty here so an unsigned (`alg: none`) token is refused as a bad signature by jose.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 8192;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The refusal a jose error stands for. */
function refusalOf(err: unknown): HandoffRefusal {
  if (err instanceof joseErrors.JWTExpired) return 'expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return 'missing_claim';
    if (err.claim === 'iss') return 'wrong_issuer';
    if (err.claim === 'aud') return 'wrong_audience';
    if (err.claim === 'iat' || err.claim === 'nbf') return err.reason === 'check_failed' ? 'not_yet_valid' : 'missing_claim';
    return 'missing_claim';
  }
  if (
    err instanceof joseErrors.JWSSignatureVerificationFailed ||
    err instanceof joseErrors.JOSEAlgNotAllowed ||
    err instanceof joseErrors.JWKSNoMatchingKey ||
    err instanceof joseErrors.JWKSMultipleMatchingKeys
  )
    return 'bad_signature';
  if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) return 'keys_unavailable';
  if (err instanceof joseErrors.JOSEError) return 'malformed';
  // fetch failures (connection refused, DNS) from the remote key set
  return 'keys_unavailable';
}

const isNonEmpty = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Our own checks after jose's: claim types, lifetime and `amr`. */
function checkClaims(p: JWTPayload): HandoffRefusal | null {
  if (!isNonEmpty(p.sub, 255) || !isNonEmpty(p.jti, 255) || typeof p.iat !== 'number' || typeof p.exp !== 'number') return 'missing_claim';
  if (typeof p.email !== 'string' || p.email.length > 254 || !EMAIL.test(p.email)) return 'missing_claim';
  if (p.exp - p.iat > HANDOFF_MAX_LIFETIME_SEC) return 'too_long_lived';
  // RFC 8176: `amr` is an array of method names; `pwd` is password-based authentication.
  if (!Array.isArray(p.amr) || !p.amr.includes('pwd')) return 'no_password';
  return null;
}

/**
 * The hand-off verifier (issue 12, `GET /recover?handoff=<JWT>`): a compact JWS signed by the company's
 * sign-in page, checked with jose against a remote JWKS (fetched on first use, cached, refetched when
 * a token names an unknown `kid`) or a shared HS256 secret. Checks, in order: shape, algorithm and
 * signature, `iss`, `aud`, `exp`/`nbf`/`iat` against the clock (±30 s), `iat` no older than 10 minutes,
 * `exp - iat` ≤ 10 minutes, `sub`/`email`/`jti` present, `amr` ∋ `pwd`; then spends `jti` (a second use
 * is `replayed`). Claims follow RFC 7519; `amr` values RFC 8176.
 */
export function createHandoffVerifier(o: HandoffVerifierOptions): HandoffVerifier {
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: readonly string[];
  if ('jwksUrl' in o.keys) {
    key = createRemoteJWKSet(new URL(o.keys.jwksUrl), { timeoutDuration: 5000, cooldownDuration: 30_000, cacheMaxAge: 600_000 });
    algorithms = JWKS_ALGORITHMS;
  } else {
    key = new TextEncoder().encode(o.keys.secret);
    algorithms = SECRET_ALGORITHMS;
  }

  return {
    async verify(token) {
      if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) return { ok: false, reason: 'malformed' };
      let payload: JWTPayload;
      try {
        const options = {
          issuer: o.issuer,
          audience: o.audience,
          algorithms: [...algorithms],
          clockTolerance: HANDOFF_CLOCK_TOLERANCE_SEC,
          maxTokenAge: HANDOFF_MAX_LIFETIME_SEC,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
          currentDate: o.clock.now(),
        };
        // Two calls only so TypeScript picks the overload for each key kind.
        payload = (typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options)).payload;
      } catch (err) {
        return { ok: false, reason: refusalOf(err) };
      }
      const refused = checkClaims(payload);
      if (refused) return { ok: false, reason: refused };
      const expiresAt = new Date((payload.exp as number) * 1000);
      // Kept past `exp` by the tolerance: until then jose would still accept the token.
      const keepUntil = new Date(expiresAt.getTime() + HANDOFF_CLOCK_TOLERANCE_SEC * 1000);
      if (!(await o.spent.spend(o.issuer, payload.jti as string, keepUntil))) return { ok: false, reason: 'replayed' };
      return { ok: true, handoff: { subject: payload.sub as string, email: (payload.email as string).trim().toLowerCase(), expiresAt } };
    },
  };
}
