import crypto from 'node:crypto';

/** SECURITY.md "Codes", as numbers. Changing one of these is a security decision, not tuning. */
export const CODE_RULES = {
  length: 8,
  validMs: 10 * 60_000,
  maxWrongPerCode: 5,
  maxFailuresPerAccount: 10,
  failureWindowMs: 24 * 3_600_000,
  lockMs: 24 * 3_600_000,
  maxSendsPerRequest: 3,
  maxSendsPerAccount: 5,
  sendWindowMs: 24 * 3_600_000,
} as const;

export type CodeRules = typeof CODE_RULES;

/** `crypto.randomInt` by default; tests pass a scripted source. */
export type RandomInt = (min: number, max: number) => number;

/** Eight digits, uniformly drawn (leading zeros kept). */
export function generateCode(randomInt: RandomInt = crypto.randomInt, length: number = CODE_RULES.length): string {
  return String(randomInt(0, 10 ** length)).padStart(length, '0');
}

/**
 * The only stored form of a code: an HMAC under the server's code key, bound to the case so a code
 * mailed for one case can never verify another.
 */
export function codeHmac(key: Buffer, caseId: string, code: string): string {
  return crypto.createHmac('sha256', key).update(`verification-code\0${caseId}\0${code}`).digest('hex');
}

/** Constant-time comparison of two hex HMACs (timingSafeEqual needs equal lengths, so check that first). */
export function hmacsEqual(expectedHex: string, actualHex: string): boolean {
  const a = Buffer.from(expectedHex, 'hex');
  const b = Buffer.from(actualHex, 'hex');
  if (a.length !== b.length || a.length === 0) return false;
  return crypto.timingSafeEqual(a, b);
}

/** A typed code is only ever 8 ASCII digits; anything else is a wrong entry without hashing. */
export function isWellFormedCode(digits: string, length: number = CODE_RULES.length): boolean {
  return digits.length === length && /^[0-9]+$/.test(digits);
}
