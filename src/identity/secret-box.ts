import crypto from 'node:crypto';
import { AizuchiError } from '../domain/errors';

export class SecretBoxError extends AizuchiError {
  constructor() {
    super('sealed value is malformed or was altered', { code: 'secret_box_tampered' });
  }
}

const VERSION = 'v1';

/**
 * AES-256-GCM for small secrets at rest (TOTP seeds, pending enrolments): `v1.<iv>.<tag>.<data>`
 * in base64url. `context` is bound as additional data, so a value sealed for one account cannot be
 * pasted onto another.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

export function open(key: Buffer, sealed: string, context: string): string {
  const [version, ivText, tagText, dataText, ...extra] = sealed.split('.');
  if (version !== VERSION || ivText === undefined || tagText === undefined || dataText === undefined || extra.length > 0) {
    throw new SecretBoxError();
  }
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== 12 || tag.length !== 16) throw new SecretBoxError();
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError();
  }
}
