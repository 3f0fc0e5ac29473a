import { Secret, TOTP } from 'otpauth';

/** Google Authenticator only honours these: SHA1, 6 digits, 30 s. */
export const TOTP_PERIOD_SEC = 30;
export const TOTP_DIGITS = 6;
const ALGORITHM = 'SHA1';
/** One step either side tolerates a phone clock off by up to ~30 s. */
export const TOTP_WINDOW_STEPS = 1;

/** A new random 160-bit secret (the RFC 4226 recommended length), base32 as authenticator apps expect. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** `otpauth://totp/<issuer>:<email>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`. */
export function totpUri(issuer: string, email: string, secretBase32: string): string {
  return new TOTP({
    issuer,
    label: email,
    secret: Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SEC,
  }).toString();
}

/** The code an authenticator shows at `at` (tests and the demo use it). */
export function totpCode(secretBase32: string, at: Date): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SEC,
    timestamp: at.getTime(),
  });
}

/** Digits only: people paste "123 456" or full-width digits. */
export function cleanTotpInput(code: string): string {
  return code.normalize('NFKC').replace(/[\s-]/g, '');
}

/**
 * Which time step (counter) the code belongs to, within ±TOTP_WINDOW_STEPS of `at`, or null. The
 * caller records the step so the same code cannot be used twice (RFC 6238 §5.2).
 */
export function matchTotpStep(secretBase32: string, code: string, at: Date): number | null {
  const token = cleanTotpInput(code);
  if (!/^\d+$/.test(token) || token.length !== TOTP_DIGITS) return null;
  const delta = TOTP.validate({
    token,
    secret: Secret.fromBase32(secretBase32),
    algorithm: ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SEC,
    timestamp: at.getTime(),
    window: TOTP_WINDOW_STEPS,
  });
  if (delta === null) return null;
  return TOTP.counter({ period: TOTP_PERIOD_SEC, timestamp: at.getTime() }) + delta;
}
