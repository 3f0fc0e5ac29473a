import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
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
}

export function deriveKeys(master: Buffer): Keys {
  const sub = (info: string) => Buffer.from(crypto.hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
  return {
    totpEncryption: sub('aizuchi totp v1'),
    codeHmac: sub('aizuchi code v1'),
    tokenHmac: sub('aizuchi token v1'),
    pubsub: sub('aizuchi pubsub v1'),
  };
}

export function loadOrCreateMasterKey(dataDir: string): Buffer {
  const dir = path.join(dataDir, 'keys');
  const file = path.join(dir, 'master.key');
  // 0700 even when the folder existed looser; the key file is created 0600 below.
  makePrivateDirSync(dir);
  try {
    tightenIfPresentSync(file);
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = crypto.randomBytes(32);
  try {
    // 'wx' so two processes starting together cannot both write a different key.
    fs.writeFileSync(file, key.toString('base64'), { mode: 0o600, flag: 'wx' });
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
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
