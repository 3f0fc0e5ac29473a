import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AizuchiError } from '../domain/errors';
import { makePrivateDirSync, tightenIfPresentSync } from '../store/private-files';

/**
 * Server keys. One random master key lives in `<dataDir>/keys/master.key` (mode 0600, created on
 * first start); each purpose gets its own subkey through HKDF so a leak of one use reveals nothing
 * about another.
 */
export interface Keys {
  /** AES-256-GCM key for TOTP secrets at rest. */
  totpEncryption: Buffer;
  /** HMAC key for verification codes. */
  codeHmac: Buffer;
  /** HMAC key for tokens (sessions, cancel links, call links) and hashed phone numbers / IPs. */
  tokenHmac: Buffer;
  /** AES-256-GCM key for messages between processes (store/pubsub/sealed-message.ts). */
  pubsub: Buffer;
  /** AES-256-GCM key for job payloads while they wait (jobs/sealed-jobs.ts). */
  jobs: Buffer;
}

export function deriveKeys(master: Buffer): Keys {
  const sub = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return {
    totpEncryption: sub('aizuchi totp v1'),
    codeHmac: sub('aizuchi code v1'),
    tokenHmac: sub('aizuchi token v1'),
    pubsub: sub('aizuchi pubsub v1'),
    jobs: sub('aizuchi jobs v1'),
  };
}

/** The master key's length in bytes (256 bits: AES-256 and HMAC-SHA256 subkeys through HKDF). */
export const MASTER_KEY_BYTES = 32;

/**
 * Fewer distinct byte values than this in 32 bytes is a hand-made key ('aaaa…', a repeated word):
 * 32 random bytes hold about 30 distinct values, and fewer than 16 happens with probability far
 * below 2^-100, so a real key is never refused.
 */
const MIN_DISTINCT_BYTES = 16;

/** Standard or URL-safe base64 of exactly 32 bytes: 43 characters and an optional '='. */
const MASTER_KEY_TEXT = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * `keys/master.key` is not a key aizuchi would have written. Code `config`: the CLI prints one line
 * and exits 2, as for a key that differs from the database's (key-check.ts). The message names the
 * file, what is wrong and the required form, never any of the file's content.
 */
export class MasterKeyFormatError extends AizuchiError {
  constructor(file: string, problem: string) {
    super(
      `the master key file ${file} ${problem}. It must hold ${MASTER_KEY_BYTES} random bytes in base64 on one line ` +
        '(44 characters, as `openssl rand -base64 32` writes). Put the key the other processes use there, or, on a new ' +
        'deployment, remove the file and the next start writes one; to change a key in use see README, "Changing the master key".',
      { code: 'config', retryable: false },
    );
  }
}

/**
 * The key in a master key file's text: base64 of 32 bytes, surrounding whitespace ignored.
 * Throws MasterKeyFormatError for other text (Buffer.from would silently skip bad characters and
 * accept any length) or a key with too little variety to be random (MIN_DISTINCT_BYTES).
 */
export function parseMasterKey(text: string, file: string): Buffer {
  const trimmed = text.trim();
  if (!MASTER_KEY_TEXT.test(trimmed)) {
    const problem = /^[A-Za-z0-9+/_=-]*$/.test(trimmed)
      ? `holds ${trimmed.length} base64 characters, not the 44 of a ${MASTER_KEY_BYTES}-byte key`
      : 'holds characters that are not base64 (or more than one line)';
    throw new MasterKeyFormatError(file, problem);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== MASTER_KEY_BYTES) throw new MasterKeyFormatError(file, `decodes to ${key.length} bytes, not ${MASTER_KEY_BYTES}`);
  if (new Set(key).size < MIN_DISTINCT_BYTES)
    throw new MasterKeyFormatError(file, 'is not random (too few distinct bytes: a hand-made key)');
  return key;
}

/**
 * The master key of `dataDir` (`keys/master.key`), written with 32 random bytes on first start.
 * Throws MasterKeyFormatError when the file holds anything else (parseMasterKey).
 */
export function loadOrCreateMasterKey(dataDir: string): Buffer {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'master.key');
  // 0700 even when the folder existed looser; the key file is created 0600 below.
  makePrivateDirSync(dir);
  try {
    tightenIfPresentSync(file);
    return parseMasterKey(fs.readFileSync(file, 'utf8'), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = crypto.randomBytes(MASTER_KEY_BYTES);
  try {
    // 'wx' so two processes starting together cannot both write a different key.
    fs.writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parseMasterKey(fs.readFileSync(file, 'utf8'), file);
    throw err;
  }
}

export function hmacHex(key: Buffer, value: string): string {
  return crypto.createHmac('sha256', key).update(value).digest('hex');
}

/** Random URL-safe token for links and sessions; only its HMAC is stored. */
export function newToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}
