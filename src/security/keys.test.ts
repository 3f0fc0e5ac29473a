import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MasterKeyFormatError, loadOrCreateMasterKey, parseMasterKey } from './keys';

const FILE = '/data/keys/master.key';

/** What parseMasterKey throws for `text`, or null when it accepts it. */
function refusal(text: string): MasterKeyFormatError | null {
  try {
    parseMasterKey(text, FILE);
    return null;
  } catch (err) {
    if (err instanceof MasterKeyFormatError) return err;
    throw err;
  }
}

describe('the master key file', () => {
  it('accepts 32 random bytes in base64 (with or without the padding, a final newline, URL-safe letters)', () => {
    for (let i = 0; i < 50; i++) {
      const key = crypto.randomBytes(32);
      const b64 = key.toString('base64');
      expect(parseMasterKey(`${b64}\n`, FILE)).toEqual(key);
      expect(parseMasterKey(b64.slice(0, 43), FILE)).toEqual(key);
      expect(parseMasterKey(key.toString('base64url'), FILE)).toEqual(key);
    }
  });

  it.each([
    ['a short hand-written key', 'secret', /holds 6 base64 characters, not the 44 of a 32-byte key/],
    ['a 16-byte key', crypto.randomBytes(16).toString('base64'), /holds 24 base64 characters/],
    ['a 64-byte key', crypto.randomBytes(64).toString('base64'), /holds 88 base64 characters/],
    ['hex instead of base64', crypto.randomBytes(32).toString('hex'), /holds 64 base64 characters/],
    ['a passphrase with spaces', 'correct horse battery staple, not a key!!', /not base64/],
    ['two keys on two lines', `${crypto.randomBytes(32).toString('base64')}\n${crypto.randomBytes(32).toString('base64')}`, /not base64/],
    ['32 bytes of one letter', Buffer.alloc(32, 'a').toString('base64'), /not random/],
    ['a word repeated to 32 bytes', Buffer.from('password'.repeat(4)).toString('base64'), /not random/],
    ['an empty file', '', /holds 0 base64 characters/],
  ])('refuses %s, naming the file and the required form, never the content', (_what, text, problem) => {
    const err = refusal(text);
    expect(err).toBeInstanceOf(MasterKeyFormatError);
    expect(err!.code).toBe('config');
    expect(err!.retryable).toBe(false);
    expect(err!.message).toMatch(problem);
    expect(err!.message).toContain(FILE);
    expect(err!.message).toContain('32 random bytes in base64');
    expect(err!.message).toContain('openssl rand -base64 32');
    for (const line of text.split('\n').filter((l) => l.length >= 4)) expect(err!.message).not.toContain(line);
  });

  it('is written on first start as a key the reader accepts, mode 0600, and read back the same', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-keys-'));
    try {
      const key = loadOrCreateMasterKey(dir);
      const file = path.join(dir, 'keys', 'master.key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(parseMasterKey(fs.readFileSync(file, 'utf8'), file)).toEqual(key);
      expect(loadOrCreateMasterKey(dir)).toEqual(key);
      fs.writeFileSync(file, 'hunter2\n');
      expect(() => loadOrCreateMasterKey(dir)).toThrow(MasterKeyFormatError);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
