import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretBoxError, open, seal } from './secret-box';

const key = crypto.randomBytes(32);

describe('secret box (AES-256-GCM)', () => {
  it('round-trips and never shows the plaintext', () => {
    const sealed = seal(key, 'JBSWY3DPEHPK3PXP', 'totp:a1');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(open(key, sealed, 'totp:a1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(key, 'same', 'c')).not.toBe(seal(key, 'same', 'c'));
  });

  it('detects a flipped bit in the ciphertext', () => {
    const sealed = seal(key, 'JBSWY3DPEHPK3PXP', 'totp:a1');
    const parts = sealed.split('.');
    const data = Buffer.from(parts[3] ?? '', 'base64url');
    data[0] = (data[0] ?? 0) ^ 1;
    parts[3] = data.toString('base64url');
    expect(() => open(key, parts.join('.'), 'totp:a1')).toThrow(SecretBoxError);
  });

  it('detects an altered tag, another context, another key and garbage', () => {
    const sealed = seal(key, 'secret', 'totp:a1');
    const parts = sealed.split('.');
    const tag = Buffer.from(parts[2] ?? '', 'base64url');
    tag[5] = (tag[5] ?? 0) ^ 0x80;
    expect(() => open(key, [parts[0], parts[1], tag.toString('base64url'), parts[3]].join('.'), 'totp:a1')).toThrow(SecretBoxError);
    expect(() => open(key, sealed, 'totp:a2')).toThrow(SecretBoxError);
    expect(() => open(crypto.randomBytes(32), sealed, 'totp:a1')).toThrow(SecretBoxError);
    expect(() => open(key, 'not-a-sealed-value', 'totp:a1')).toThrow(SecretBoxError);
  });
});
