import type { Logger } from '../../observability/logger';
import type { Store } from '../connect';
import { createPgPubSub } from './pg-notify';
import { type PubSub, createInProcessPubSub } from './pubsub';

export { MAX_MESSAGE_BYTES, type PubSub, PubSubError, createInProcessPubSub } from './pubsub';
export { createPgPubSub } from './pg-notify';

/**
 * The PubSub for a store: LISTEN/NOTIFY on PostgreSQL (every process on the database hears it), in
 * one process on SQLite. `key` seals payloads on PostgreSQL (Keys.pubsub). Opens no connection until the first subscribe, so commands that only
 * publish or never use it hold no listener.
 */
export function openPubSub(store: Store, databaseUrl: string, logger: Logger, key: Buffer): PubSub {
  return store.dialect === 'postgres'
    ? createPgPubSub({ connectionString: databaseUrl, db: store.db, logger, key })
    : createInProcessPubSub();
}
