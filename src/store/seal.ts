import crypto from 'node:crypto';

/**
 * AES-256-GCM for data that passes through the database without being the database's record:
 * messages between processes (pubsub/sealed-message.ts) and payloads of jobs waiting to run
 * (jobs/sealed-jobs.ts), which any role able to read (or LISTEN on) the database could otherwise
 * read. `context` is bound as additional data, so a value sealed for one channel or job kind does not
 * open as another. Wire format: base64 of iv (12 bytes) ‖ tag (16) ‖ ciphertext.
 */

/** Bytes sealing adds before base64: the iv and the tag. */
export const SEAL_OVERHEAD_BYTES = 28;

export function sealText(key: Buffer, plaintext: string, context: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

/** The plaintext, or undefined when `sealed` was not sealed by `key` for `context` (forged, altered, moved, malformed). */
export function openText(key: Buffer, sealed: string, context: string): string | undefined {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length <= SEAL_OVERHEAD_BYTES) return undefined;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(raw.subarray(12, SEAL_OVERHEAD_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(SEAL_OVERHEAD_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
