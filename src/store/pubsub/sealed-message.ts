import crypto from 'node:crypto';
import { SEAL_OVERHEAD_BYTES, openText, sealText } from '../seal';

/**
 * NOTIFY payloads sealed between the processes of one deployment (security, issue 11). PostgreSQL
 * lets any role that may connect to the database LISTEN and NOTIFY on any channel (docs: SQL NOTIFY,
 * no privilege is checked), so a payload proves nothing about who sent it and hides nothing from a
 * reporting account. Each message is AES-256-GCM under a key derived from the master key (every
 * process has the same one: security/key-check.ts), with the channel as additional data (a message
 * moved to another channel fails), a random id and the sending time inside (a message sent again is
 * refused by its id within MAX_AGE_MS, and after it by its age).
 *
 * Wire format: store/seal.ts of `{"i":id,"t":ms,"m":message}` with the channel as context.
 */

/** A message this much older (or newer: clocks of two machines) than the receiver's clock is refused. */
export const MAX_AGE_MS = 60_000;

/** Bytes the envelope adds to the message's JSON before base64: iv and tag, id, time, field names (with room). */
const ENVELOPE_BYTES = SEAL_OVERHEAD_BYTES + 64;

/** The largest message JSON (UTF-8 bytes) whose sealed payload stays under NOTIFY's 8000 bytes. */
export const MAX_SEALABLE_BYTES = Math.floor((7_999 / 4) * 3) - ENVELOPE_BYTES;

export function sealMessage(key: Buffer, channel: string, messageJson: string, nowMs: number): string {
  const plain = `{"i":"${crypto.randomBytes(12).toString('base64url')}","t":${Math.round(nowMs)},"m":${messageJson}}`;
  return sealText(key, plain, channel);
}

/** A receiver's side: opens payloads and remembers ids for MAX_AGE_MS so each message is heard once. */
export function createOpener(key: Buffer, now: () => number) {
  const seen = new Map<string, number>(); // id → when it may be forgotten; insertion order is arrival order

  function forgetOld(at: number): void {
    for (const [id, until] of seen) {
      if (until > at) break;
      seen.delete(id);
    }
  }

  /** The message, or undefined for anything not sealed by this key for this channel, stale, or heard before. */
  return function open(channel: string, payload: string | undefined): { message: unknown } | undefined {
    if (!payload) return undefined;
    const plain = openText(key, payload, channel);
    if (plain === undefined) return undefined;
    const sealed = JSON.parse(plain) as { i?: unknown; t?: unknown; m?: unknown };
    const at = now();
    if (typeof sealed.i !== 'string' || typeof sealed.t !== 'number' || Math.abs(at - sealed.t) > MAX_AGE_MS) return undefined;
    forgetOld(at);
    if (seen.has(sealed.i)) return undefined;
    seen.set(sealed.i, at + 2 * MAX_AGE_MS);
    return { message: sealed.m ?? null };
  };
}
