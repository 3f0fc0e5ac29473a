import { afterEach, describe, expect, it } from 'vitest';
import { TEST_POSTGRES_URL, createPostgresDatabase } from '../e2e/support/databases';
import { type Customer, type TestServer, TextCaller, callNow, customerWithRequest, startTestServer } from '../e2e/text-call-harness';

/**
 * Two server processes' worth of services on one database (issue 11): a process's sweep — at start-up
 * or at a sweep slot — abandons only calls whose owner is gone (heartbeat past AIZUCHI_CALL_LEASE_SEC,
 * or removed by a clean stop), never the live calls of another process. Runs on SQLite and, when the
 * suite has a server, PostgreSQL. The SIGKILL case with real processes is test/integration/chaos.test.ts.
 */
const targets = [
  { name: 'SQLite', enabled: true },
  { name: 'PostgreSQL', enabled: Boolean(TEST_POSTGRES_URL) },
];

const env = { AIZUCHI_CALL_LEASE_SEC: '3', AIZUCHI_POLICY: 'mailbox' };

function customer(n: number): Customer {
  return { email: `owner${n}@example.com`, password: 'correct-horse-battery', name: '中村', phone: `090-1234-56${20 + n}`, lang: 'ja' };
}

for (const target of targets) {
  describe.runIf(target.enabled)(`call owners on ${target.name}`, () => {
    const started: TestServer[] = [];
    let drop: (() => Promise<void>) | undefined;
    afterEach(async () => {
      for (const t of started.splice(0).reverse()) await t.stop().catch(() => undefined);
      await drop?.();
    });

    async function twoProcesses(): Promise<[TestServer, TestServer]> {
      let dbEnv: Record<string, string> = {};
      if (target.name === 'PostgreSQL') {
        const pg = await createPostgresDatabase(TEST_POSTGRES_URL!);
        drop = pg.drop;
        dbEnv = { AIZUCHI_DATABASE_URL: pg.url };
      }
      const a = await startTestServer({ ...env, ...dbEnv });
      started.push(a);
      // Same database and data directory (the master key), as a second `aizuchi serve` would have.
      const b = await startTestServer({ ...env, ...dbEnv }, a.dataDir);
      started.push(b);
      return [a, b];
    }

    async function connectedCall(t: TestServer, n: number): Promise<{ caseId: string; callId: string; caller: TextCaller }> {
      const { caseId } = await customerWithRequest(t, customer(n), { withPassword: true });
      const caller = await TextCaller.connect(await callNow(t, caseId));
      await caller.turn();
      const [call] = await t.services.calls.callsForCase(caseId);
      return { caseId, callId: call!.call.id, caller };
    }

    it('leaves another live process’s calls alone, abandons a gone owner’s call (retried), and cuts that line in the process still holding it', async () => {
      const [a, b] = await twoProcesses();
      const one = await connectedCall(a, 1);
      const two = await connectedCall(a, 2);
      const db = b.services.store.db;
      const owner = a.services.calls.owners.instanceId;
      expect(owner).not.toBe(b.services.calls.owners.instanceId);
      const rows = await db.selectFrom('calls').select(['id', 'state', 'owner_id']).where('id', 'in', [one.callId, two.callId]).execute();
      expect(rows.map((r) => [r.state, r.owner_id])).toEqual([
        ['active', owner],
        ['active', owner],
      ]);

      // B's start-up sweep already ran; another sweep slot changes nothing while A beats.
      expect(await b.services.calls.abandonStale()).toBe(0);
      expect((await one.caller.say('はい、そうです')).some((f) => f.type === 'listening')).toBe(true);

      // Call two's owner is a process that stopped beating 10 s ago (the lease is 3 s): it was killed.
      const longAgo = new Date(Date.now() - 10_000).toISOString();
      await db.insertInto('processes').values({ id: 'killed-host:4242:dead', started_at: longAgo, heartbeat_at: longAgo }).execute();
      await db.updateTable('calls').set({ owner_id: 'killed-host:4242:dead' }).where('id', '=', two.callId).execute();
      expect(await b.services.calls.abandonStale()).toBe(1);
      const [ended] = await b.services.calls.callsForCase(two.caseId);
      expect(ended!.call).toMatchObject({ state: 'ended', outcome: 'abandoned' });
      const retried = await b.services.cases.require(two.caseId);
      expect(retried.state).toBe('scheduled');
      expect((await b.services.cases.history(two.caseId)).map((e) => e.kind)).toContain('call_abandoned');
      // The gone process's row is reaped once it owns no active call.
      expect(await db.selectFrom('processes').select('id').where('id', '=', 'killed-host:4242:dead').execute()).toEqual([]);
      // A still had call two's session: its next heartbeat (every second) cuts the line.
      await two.caller.waitClosed(10_000);
      expect((await b.services.calls.callsForCase(one.caseId))[0]!.call.state).toBe('active');

      // A stops cleanly without drain: its row goes, so the next sweep abandons call one at once.
      await a.server.stop();
      expect(await db.selectFrom('processes').select('id').where('id', '=', owner).execute()).toEqual([]);
      expect(await b.services.calls.abandonStale()).toBe(1);
      expect((await b.services.calls.callsForCase(one.caseId))[0]!.call).toMatchObject({ state: 'ended', outcome: 'abandoned' });
      expect((await b.services.cases.require(one.caseId)).state).toBe('scheduled');
    }, 120_000);
  });
}
