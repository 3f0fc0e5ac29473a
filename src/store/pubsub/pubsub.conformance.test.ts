import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger';
import { type Store, openStore } from '../connect';
import { PUBSUB_APPLICATION_NAME, createPgPubSub } from './pg-notify';
import { MAX_MESSAGE_BYTES, type PubSub, PubSubError, createInProcessPubSub } from './pubsub';

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

/** Two "processes" on one database; in one process both are the same hub. */
interface Pair {
  a: PubSub;
  b: PubSub;
  store?: Store;
  close(): Promise<void>;
}

/** Resolves once `n` messages arrived (the deadline only turns a hang into a clear failure). */
function collector(n: number) {
  const got: unknown[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  return {
    got,
    handler: (m: unknown) => {
      got.push(m);
      if (got.length === n) done();
    },
    all: () =>
      Promise.race([
        all,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${got.length} of ${n} messages`)), 20_000)),
      ]),
  };
}

const targets: Array<{ name: string; enabled: boolean; make: () => Pair }> = [
  {
    name: 'in one process',
    enabled: true,
    make: () => {
      const hub = createInProcessPubSub();
      return { a: hub, b: hub, close: () => hub.close() };
    },
  },
  {
    name: 'PostgreSQL LISTEN/NOTIFY',
    enabled: Boolean(postgresUrl),
    make: () => {
      const store = openStore(postgresUrl!);
      const logger = createLogger('silent');
      const key = randomBytes(32); // one deployment: one master key
      const a = createPgPubSub({ connectionString: postgresUrl!, db: store.db, logger, key, reconnectDelayMs: 50 });
      const b = createPgPubSub({ connectionString: postgresUrl!, db: store.db, logger, key, reconnectDelayMs: 50 });
      return {
        a,
        b,
        store,
        close: async () => {
          await a.close();
          await b.close();
          await store.close();
        },
      };
    },
  },
];

for (const target of targets) {
  describe.runIf(target.enabled)(`PubSub conformance: ${target.name}`, () => {
    let pair: Pair;
    // A channel per test, so tests sharing one PostgreSQL server never hear each other.
    const channel = () => `test.${randomBytes(4).toString('hex')}`;
    afterEach(async () => {
      await pair?.close();
    });

    it('delivers each message to subscribers in every process, in the order it was published', async () => {
      pair = target.make();
      const ch = channel();
      const inA = collector(20);
      const inB = collector(20);
      await pair.a.subscribe(ch, inA.handler);
      await pair.b.subscribe(ch, inB.handler);
      const sent = Array.from({ length: 20 }, (_, i) => ({ n: i, callId: `call-${i}` }));
      for (const m of sent) await pair.b.publish(ch, m);
      await Promise.all([inA.all(), inB.all()]);
      expect(inA.got).toEqual(sent);
      expect(inB.got).toEqual(sent);
    });

    it('keeps channels apart and stops delivering after unsubscribe', async () => {
      pair = target.make();
      const [one, two] = [channel(), channel()];
      const heardOne: unknown[] = [];
      const unsubscribe = await pair.a.subscribe(one, (m) => heardOne.push(m));
      const markers: unknown[] = [];
      let waiting = collector(1);
      await pair.a.subscribe(two, (m) => {
        markers.push(m);
        waiting.handler(m);
      });
      await pair.b.publish(one, 'first');
      await pair.b.publish(two, 'marker 1');
      // Messages from one publisher arrive in order: once marker 1 is here, 'first' is too.
      await waiting.all();
      await unsubscribe();
      waiting = collector(1);
      await pair.b.publish(one, 'after unsubscribe');
      await pair.b.publish(two, 'marker 2');
      await waiting.all();
      expect(heardOne).toEqual(['first']);
      expect(markers).toEqual(['marker 1', 'marker 2']);
    });

    it('refuses bad channel names, oversized and non-JSON messages with PubSubError, sending nothing', async () => {
      pair = target.make();
      const ch = channel();
      const heard: unknown[] = [];
      await pair.a.subscribe(ch, (m) => heard.push(m));
      for (const bad of ['', 'Upper', 'has space', 'quote"d', 'x'.repeat(61)]) {
        await expect(pair.b.publish(bad, {})).rejects.toBeInstanceOf(PubSubError);
        await expect(pair.b.subscribe(bad, () => undefined)).rejects.toBeInstanceOf(PubSubError);
      }
      await expect(pair.b.publish(ch, { text: 'x'.repeat(MAX_MESSAGE_BYTES) })).rejects.toBeInstanceOf(PubSubError);
      await expect(pair.b.publish(ch, { n: 1n })).rejects.toBeInstanceOf(PubSubError);
      const marker = collector(1);
      await pair.a.subscribe(ch, marker.handler);
      await pair.b.publish(ch, 'marker');
      await marker.all();
      expect(heard).toEqual(['marker']);
    });
  });
}

describe.runIf(Boolean(postgresUrl))('PostgreSQL LISTEN/NOTIFY after a lost connection', () => {
  it('listens again on a new connection once the old one is killed', async () => {
    const store = openStore(postgresUrl!);
    const pubsub = createPgPubSub({
      connectionString: postgresUrl!,
      db: store.db,
      logger: createLogger('silent'),
      key: randomBytes(32),
      reconnectDelayMs: 50,
    });
    try {
      const ch = `test.${randomBytes(4).toString('hex')}`;
      const heard = collector(1);
      await pubsub.subscribe(ch, heard.handler);
      const killed = await sql<{ ok: boolean }>`
        select pg_terminate_backend(pid) as ok from pg_stat_activity
         where application_name = ${PUBSUB_APPLICATION_NAME} and query ilike ${`%${ch}%`}`.execute(store.db);
      expect(killed.rows.map((r) => r.ok)).toEqual([true]);
      // Messages sent while it reconnects are lost by contract: keep publishing until one is heard.
      const publishing = setInterval(() => void pubsub.publish(ch, 'after reconnect').catch(() => undefined), 50);
      try {
        await heard.all();
      } finally {
        clearInterval(publishing);
      }
      expect(heard.got).toEqual(['after reconnect']);
    } finally {
      await pubsub.close();
      await store.close();
    }
  });
});
