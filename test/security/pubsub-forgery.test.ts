import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_EVENTS_CHANNEL, createSharedLiveCalls } from '../../src/calls/live/shared-live-calls';
import type { LiveEvent } from '../../src/calls/live/live-calls';
import { createLogger } from '../../src/observability/logger';
import { deriveKeys } from '../../src/security/keys';
import { type Store, openStore } from '../../src/store/connect';
import { migrateToLatest } from '../../src/store/migrate';
import { type PubSub, createPgPubSub } from '../../src/store/pubsub';
import { TEST_POSTGRES_URL, type TempPostgresDatabase, createPostgresDatabase } from '../e2e/support/databases';

/**
 * Kind: messages between processes trusted because they came through the database (issue 11). On
 * PostgreSQL, LISTEN and NOTIFY need no privilege beyond connecting: any role that may log in to the
 * database (a reporting account with no table grants) could NOTIFY `calls.live` and put a forged
 * caller line, a false "with <operator>" or "ended" on every operator's live view, or LISTEN and read
 * every call's transcript as it happens. Messages are now sealed with a key derived from the master
 * key (which every process shares: the key check), bound to their channel, and heard once.
 */
describe.runIf(Boolean(TEST_POSTGRES_URL))('PubSub messages forged or read by a database role without privileges', () => {
  let database: TempPostgresDatabase;
  let store: Store;
  let spyUrl: string;
  const spyRole = `spy_${randomBytes(4).toString('hex')}`;
  const key = deriveKeys(randomBytes(32)).pubsub;
  const opened: PubSub[] = [];
  const logger = createLogger('silent');

  beforeAll(async () => {
    database = await createPostgresDatabase(TEST_POSTGRES_URL!);
    store = openStore(database.url);
    await migrateToLatest(store);
    // A role that may connect and nothing else: no grant on any table.
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`create role ${spyRole} login password 'spy'`);
    await admin.query(`revoke all on schema public from ${spyRole}`);
    await admin.end();
    const u = new URL(database.url);
    u.username = spyRole;
    u.password = 'spy';
    spyUrl = u.toString();
  });

  afterAll(async () => {
    for (const p of opened) await p.close();
    await store?.close();
    await database?.drop();
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL! });
    await admin.connect();
    await admin.query(`drop role if exists ${spyRole}`);
    await admin.end();
  });

  /** One process's PubSub on the test database. */
  function processPubSub(): PubSub {
    const p = createPgPubSub({ connectionString: database.url, db: store.db, logger, key, reconnectDelayMs: 50 });
    opened.push(p);
    return p;
  }

  async function spy(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: spyUrl });
    await c.connect();
    return c;
  }

  /** What `listener` heard until the marker event (published after everything else) arrived. */
  function heardUntilMarker<T>(markerIs: (m: T) => boolean) {
    const heard: T[] = [];
    let done!: () => void;
    const arrived = new Promise<void>((resolve) => (done = resolve));
    return {
      heard,
      listener: (m: T) => {
        heard.push(m);
        if (markerIs(m)) done();
      },
      arrived: () =>
        Promise.race([
          arrived,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`marker never came: ${JSON.stringify(heard)}`)), 20_000)),
        ]),
    };
  }

  it('a forged live event (caller line, with a person, ended) never reaches an operator view', async () => {
    const live = createSharedLiveCalls({ pubsub: processPubSub(), db: store.db, logger });
    const marker: LiveEvent = { type: 'step', callId: 'marker-call', step: 'code' };
    const view = heardUntilMarker<LiveEvent>((e) => e.type === 'step' && e.callId === 'marker-call');
    live.subscribe(view.listener);
    await live.snapshot(); // listening now

    const attacker = await spy();
    const forged: LiveEvent[] = [
      {
        type: 'line',
        callId: 'real-call',
        line: { speaker: 'caller', text: 'I am the account owner; the agent verified me, reset by hand', at: new Date().toISOString() },
      },
      { type: 'with_person', callId: 'real-call', operator: 'Someone' },
      { type: 'ended', callId: 'real-call', outcome: 'mfa_reset' },
    ];
    for (const event of forged) await attacker.query('select pg_notify($1, $2)', [LIVE_EVENTS_CHANNEL, JSON.stringify(event)]);
    await attacker.end();

    live.publish(marker);
    await view.arrived();
    expect(view.heard).toEqual([marker]);
  });

  it('a role that LISTENs hears no transcript text, case or call id', async () => {
    const pubsub = processPubSub();
    const attacker = await spy();
    const payloads: string[] = [];
    const got = new Promise<void>((resolve) =>
      attacker.on('notification', (n) => {
        payloads.push(n.payload ?? '');
        resolve();
      }),
    );
    await attacker.query(`listen "${LIVE_EVENTS_CHANNEL}"`);
    const event: LiveEvent = {
      type: 'line',
      callId: 'call-7f3a',
      line: { speaker: 'caller', text: 'my address is in Setagaya', at: new Date().toISOString() },
    };
    await pubsub.publish(LIVE_EVENTS_CHANNEL, event);
    await got;
    await attacker.end();
    expect(payloads).toHaveLength(1);
    expect(payloads[0]).not.toContain('Setagaya');
    expect(payloads[0]).not.toContain('call-7f3a');
  });

  it('a captured message sent again, or on another channel, is dropped; malformed payloads reach no handler', async () => {
    const [sender, receiver] = [processPubSub(), processPubSub()];
    const [one, two] = [`test.${randomBytes(4).toString('hex')}`, `test.${randomBytes(4).toString('hex')}`];
    const attacker = await spy();
    const captured = new Promise<string>((resolve) => attacker.on('notification', (n) => resolve(n.payload ?? '')));
    await attacker.query(`listen "${one}"`);

    const onOne = heardUntilMarker<unknown>((m) => m === 'marker');
    const onTwo = heardUntilMarker<unknown>((m) => m === 'marker');
    await receiver.subscribe(one, onOne.listener);
    await receiver.subscribe(two, onTwo.listener);
    await sender.publish(one, { version: 1 });
    const sealed = await captured;

    await attacker.query('select pg_notify($1, $2)', [one, sealed]); // replayed as it was
    await attacker.query('select pg_notify($1, $2)', [two, sealed]); // moved to another channel
    for (const junk of ['not json', '{"version":999}', 'null', 'x'.repeat(7_900), '"\u0000"'.replace('\u0000', '\\u0000')]) {
      await attacker.query('select pg_notify($1, $2)', [one, junk]);
    }
    await attacker.end();

    await sender.publish(one, 'marker');
    await sender.publish(two, 'marker');
    await Promise.all([onOne.arrived(), onTwo.arrived()]);
    expect(onOne.heard).toEqual([{ version: 1 }, 'marker']);
    expect(onTwo.heard).toEqual(['marker']);
  });
});
