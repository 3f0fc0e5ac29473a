import crypto from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first recommended setting:
 * m = 19 MiB, t = 2, p = 1.
 */
const OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 8;
/** argon2 accepts more, but a cap stops multi-megabyte "passwords" from tying up the CPU. */
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPasswordHash(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed check, not a crash.
    return false;
  }
}

/**
 * A hash of a random string with the same parameters, verified when the account does not exist so
 * both answers take about as long (no account enumeration by timing).
 */
export function createDummyHash(): Promise<string> {
  return hashPassword(crypto.randomBytes(24).toString('base64url'));
}
