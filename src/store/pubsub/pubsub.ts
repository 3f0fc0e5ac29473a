import { AizuchiError } from '../../domain/errors';
import { MAX_SEALABLE_BYTES } from './sealed-message';

/**
 * Messages between processes sharing one database (issue 11): a ring offer made by the worker
 * process reaches the softphone page held by a web process, a live view in any web process hears a
 * call's events. Delivery is at most once and only to subscribers connected at the time (PostgreSQL
 * NOTIFY semantics): a subscriber that reconnects must read the current state from the database,
 * which stays the record. Two implementations: in one process (SQLite, tests) and PostgreSQL
 * LISTEN/NOTIFY (pg-notify.ts). Both pass pubsub.conformance.ts.
 */
export interface PubSub {
  /**
   * Delivers `message` (JSON; at most MAX_MESSAGE_BYTES once serialised) to every handler
   * subscribed to `channel` in every process, this one included, in the order this process
   * published. Throws PubSubError for a bad channel name or an oversized message.
   */
  publish(channel: string, message: unknown): Promise<void>;
  /** Calls `handler` for each message on `channel` from now on; resolves once listening. The result unsubscribes. */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * PostgreSQL's NOTIFY payload must be shorter than 8000 bytes (docs: SQL NOTIFY), and a message
 * travels sealed (sealed-message.ts: base64, an iv, a tag, an id and a time): about 5.9 KB of JSON.
 */
export const MAX_MESSAGE_BYTES = MAX_SEALABLE_BYTES;

const CHANNEL_PATTERN = /^[a-z0-9][a-z0-9_.:-]{0,59}$/;

export class PubSubError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'pubsub', cause: options?.cause });
  }
}

/** Checks a channel and serialises a message: the rules both implementations share. Never echoes the message (personal data). */
export function encodeMessage(channel: string, message: unknown): string {
  checkChannel(channel);
  let text: string | undefined;
  try {
    text = JSON.stringify(message ?? null);
  } catch {
    text = undefined;
  }
  if (text === undefined) throw new PubSubError(`message on "${channel}" is not JSON-serialisable`);
  if (Buffer.byteLength(text, 'utf8') > MAX_MESSAGE_BYTES) {
    throw new PubSubError(`message on "${channel}" is over ${MAX_MESSAGE_BYTES} bytes; send an id and read the rest from the database`);
  }
  return text;
}

/** Lower-case letters, digits and `_ . : -`, 1-60 characters (a quoted PostgreSQL identifier under its 63-byte limit). */
export function checkChannel(channel: string): void {
  if (!CHANNEL_PATTERN.test(channel))
    throw new PubSubError(`channel "${channel}" must be 1-60 of a-z 0-9 _ . : - starting with a letter or digit`);
}

/** One process: handlers are called on a later tick, as they would be across processes. */
export function createInProcessPubSub(): PubSub {
  const handlers = new Map<string, Set<(message: unknown) => void>>();
  let closed = false;
  return {
    async publish(channel, message) {
      const text = encodeMessage(channel, message);
      if (closed) return;
      for (const handler of [...(handlers.get(channel) ?? [])]) {
        // A fresh copy per handler, as a message from another process would be.
        queueMicrotask(() => handler(JSON.parse(text) as unknown));
      }
    },
    async subscribe(channel, handler) {
      checkChannel(channel);
      const set = handlers.get(channel) ?? new Set();
      handlers.set(channel, set);
      const own = (message: unknown) => handler(message);
      set.add(own);
      return async () => {
        set.delete(own);
      };
    },
    async close() {
      closed = true;
      handlers.clear();
    },
  };
}
