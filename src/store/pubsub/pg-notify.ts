import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../../observability/logger';
import type { Database } from '../schema';
import { type PubSub, PubSubError, checkChannel, encodeMessage } from './pubsub';
import { createOpener, sealMessage } from './sealed-message';

export interface PgPubSubOptions {
  /** The database's URL: the listener holds one connection of its own (LISTEN needs a session). */
  connectionString: string;
  /** Where NOTIFY is sent from (the store's pool). */
  db: Kysely<Database>;
  logger: Logger;
  /**
   * Seals every payload (sealed-message.ts): 32 bytes from the master key (security/keys.ts `pubsub`).
   * Payloads not sealed with it, moved from another channel, stale or heard before reach no handler.
   */
  key: Buffer;
  /** Wait before reconnecting a lost listener connection (default 1 s). */
  reconnectDelayMs?: number;
  /** Wall clock for a message's sending time (default Date.now). */
  now?: () => number;
}

/** Dropped payloads are reported at most this often (a flood of forged NOTIFYs must not flood the log). */
const DROP_REPORT_EVERY_MS = 60_000;

/** The listener's connections carry this application_name (seen in pg_stat_activity). */
export const PUBSUB_APPLICATION_NAME = 'aizuchi-pubsub';

const quoteChannel = (channel: string) => `"${channel}"`; // checkChannel allows no quote characters

/**
 * PubSub over PostgreSQL LISTEN/NOTIFY: no server besides the database. Payloads are sealed
 * (sealed-message.ts): any role that may connect can LISTEN and NOTIFY, so only what this
 * deployment's key sealed for the channel is delivered, once. Publishing is `pg_notify`
 * on the store's pool; listening is one dedicated connection per process that LISTENs to every
 * subscribed channel. A lost listener connection is reopened (and every channel listened to again)
 * after `reconnectDelayMs`; messages sent meanwhile are not delivered, as the PubSub contract says.
 */
export function createPgPubSub(o: PgPubSubOptions): PubSub {
  const log = o.logger.child({ component: 'pubsub' });
  const channels = new Map<string, Set<(message: unknown) => void>>();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const now = o.now ?? Date.now;
  const open = createOpener(o.key, now);
  let dropped = 0;
  let droppedReportedAt = -Infinity;

  function drop(channel: string): void {
    dropped++;
    if (now() - droppedReportedAt < DROP_REPORT_EVERY_MS) return;
    droppedReportedAt = now();
    log.warn({ channel, dropped }, 'pubsub: dropped messages not sealed by this deployment (forged, replayed, stale or malformed)');
    dropped = 0;
  }

  function deliver(channel: string, payload: string | undefined): void {
    const set = channels.get(channel);
    if (!set) return;
    let opened: { message: unknown } | undefined;
    try {
      opened = open(channel, payload);
    } catch {
      opened = undefined;
    }
    if (!opened) return drop(channel);
    for (const handler of [...set]) {
      try {
        // A fresh copy per handler: one must not see another's changes.
        handler(structuredClone(opened.message));
      } catch (err) {
        log.warn({ channel, errorName: (err as Error)?.name }, 'pubsub handler failed');
      }
    }
  }

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: o.connectionString, application_name: PUBSUB_APPLICATION_NAME });
    c.on('notification', (n) => deliver(n.channel, n.payload));
    // 'end' follows; an unheard 'error' would kill the process.
    c.on('error', (err) => log.warn({ errorName: err?.name }, 'pubsub listener connection failed'));
    c.on('end', () => {
      if (client !== c) return;
      client = null;
      if (!closed) scheduleReconnect();
    });
    await c.connect();
    for (const channel of channels.keys()) await c.query(`LISTEN ${quoteChannel(channel)}`);
    if (closed) {
      await c.end();
      throw new Error('pubsub closed while connecting');
    }
    client = c;
    return c;
  }

  function listener(): Promise<pg.Client> {
    if (client) return Promise.resolve(client);
    connecting ??= connect().finally(() => {
      connecting = null;
    });
    return connecting;
  }

  function scheduleReconnect(): void {
    if (reconnectTimer || closed) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      listener().then(
        () => log.warn({}, 'pubsub listener reconnected; messages sent while it was away were not delivered'),
        () => scheduleReconnect(),
      );
    }, o.reconnectDelayMs ?? 1_000);
  }

  return {
    async publish(channel, message) {
      const sealed = sealMessage(o.key, channel, encodeMessage(channel, message), now());
      if (sealed.length >= 8_000) throw new PubSubError(`message on "${channel}" is too large once sealed`);
      await sql`select pg_notify(${channel}, ${sealed})`.execute(o.db);
    },
    async subscribe(channel, handler) {
      checkChannel(channel);
      let set = channels.get(channel);
      const first = !set;
      if (!set) {
        set = new Set();
        channels.set(channel, set);
      }
      const own = (message: unknown) => handler(message);
      set.add(own);
      const c = await listener();
      if (first) await c.query(`LISTEN ${quoteChannel(channel)}`);
      return async () => {
        set.delete(own);
        if (set.size > 0 || channels.get(channel) !== set) return;
        channels.delete(channel);
        await client?.query(`UNLISTEN ${quoteChannel(channel)}`);
      };
    },
    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      channels.clear();
      const c = client ?? (await connecting?.catch(() => null)) ?? null;
      client = null;
      await c?.end();
    },
  };
}
