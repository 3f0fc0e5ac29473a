import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, TEST_POSTGRES_URL, type TempPostgresDatabase } from '../e2e/support/databases';
import { waitFor } from '../e2e/support/softphone-page';
import { SseReader } from '../e2e/support/sse-reader';
import { type Customer, type TestServer, TextCaller, callNow, customerWithRequest, startTestServer } from '../e2e/text-call-harness';

/**
 * Several `aizuchi serve` processes on one PostgreSQL (issue 11), each a full composition root in
 * this test process with its own pool and LISTEN connection: a worker that dials and web processes
 * that hold the customer's softphone page.
 */
describe.runIf(Boolean(TEST_POSTGRES_URL))('processes on one PostgreSQL', () => {
  let db: TempPostgresDatabase;
  let worker: TestServer;
  let web: TestServer;
  let otherWeb: TestServer;
  const dirs: string[] = [];

  beforeAll(async () => {
    db = await createPostgresDatabase(TEST_POSTGRES_URL!);
    const env = (roles: string) => ({
      AIZUCHI_DATABASE_URL: db.url,
      AIZUCHI_ROLES: roles,
      AIZUCHI_POLICY: 'mailbox',
      AIZUCHI_CALLBACK_LEAD_SEC: '0',
      AIZUCHI_BUSINESS_HOURS: 'mon-sun 00:00-24:00',
      AIZUCHI_JAPANESE_HOLIDAYS: 'false',
    });
    // One after the other: each migrates the database and ends calls left open before it starts. One
    // data directory, as a shared volume: every process on a database needs its master key (a process
    // with another key refuses to start; test/integration/master-key-check.test.ts).
    web = await startTestServer(env('web'));
    otherWeb = await startTestServer(env('web'), web.dataDir);
    worker = await startTestServer(env('worker'), web.dataDir);
    dirs.push(web.dataDir);
  }, 120_000);

  afterAll(async () => {
    for (const t of [worker, otherWeb, web]) await t?.stop();
    await db?.drop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const customer = (n: number): Customer => ({
    email: `procs${n}@gmail.com`,
    password: 'correct-horse-battery',
    name: '猪股',
    phone: `090-1234-56${String(n).padStart(2, '0')}`,
    lang: 'ja',
  });

  it('the worker dials; the web process holding the page is poked at once; exactly one of two pages connects', async () => {
    const webPhone = web.services.softphone!;
    const otherPhone = otherWeb.services.softphone!;
    // Pages are polled each second; this one is never polled, so only the announcement can reach it.
    const poked: string[] = [];
    const { caseId } = await customerWithRequest(web, customer(1), { withPassword: true });
    webPhone.hub.add({ caseId, poke: () => poked.push(caseId) });

    // The due callback runs in the worker process (lead 0: due now).
    worker.services.jobs.worker.wake();
    await waitFor('the announced ring in the web process', async () => poked.length > 0, 30_000);
    const offered = await webPhone.calls.findOffered(caseId);
    expect(offered).not.toBeNull();
    // The other web process finds the same call: whichever process holds the page can ring it.
    expect(await otherPhone.calls.findOffered(caseId)).toEqual(offered);

    // Two pages answer at once in two processes: one connects, the other is told it was answered elsewhere.
    const results = await Promise.all([webPhone.calls.claim(offered!.callId), otherPhone.calls.claim(offered!.callId)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await web.services.cases.require(caseId)).toMatchObject({ state: 'verifying' });
    const [call] = await web.services.calls.callsForCase(caseId);
    expect(call!.call).toMatchObject({ channel: 'softphone', state: 'active' });
    // No page rings for it any more, in either process.
    expect(await webPhone.calls.findOffered(caseId)).toBeNull();
    expect(await otherPhone.calls.findOffered(caseId)).toBeNull();
  }, 60_000);

  it("an operator's live view in one web process follows a call running in another: snapshot, steps, lines, end", async () => {
    const { account } = await otherWeb.services.identity.createAccount({
      email: 'procs-op@example.com',
      password: 'operator password',
      name: 'Op',
      phone: '03-1234-5678',
      role: 'operator',
      mfa: true,
    });
    const cookie = `aizuchi_session=${(await otherWeb.services.identity.sessions.create(account.id, 'full', new Date())).token}`;
    const { caseId } = await customerWithRequest(web, customer(2), { withPassword: true });
    // The call's socket lands on the first web process (the link names it).
    const call = await TextCaller.connect(await callNow(web, caseId));
    await call.turn();
    // (The worker may have rung the softphone first: call-now takes that ring over.)
    const textCall = async () => (await web.services.calls.callsForCase(caseId)).find((c) => c.call.channel === 'text')!;
    const callId = (await textCall()).call.id;

    // A viewer opening the view now, on the other process, gets the call in the snapshot with its lines so far.
    const sse = await SseReader.open(`${otherWeb.server.url}/console/live/events`, cookie);
    try {
      expect(sse.status).toBe(200);
      const snapshot = await sse.waitFor((e) => e.type === 'snapshot');
      const inSnapshot = (snapshot.calls as Array<Record<string, unknown>>).find((c) => c.callId === callId);
      expect(inSnapshot).toMatchObject({ caseId, channel: 'text', lang: 'ja', step: 'greet' });
      expect(inSnapshot!.customer).toBe('p***@gmail.com');
      expect((inSnapshot!.lines as Array<{ text: string }>)[0]!.text).toContain('ご本人様');

      await call.say('はい、猪股です。');
      await call.say('大丈夫です');
      await sse.waitFor((e) => e.type === 'step' && e.callId === callId && e.step !== 'greet', 15_000);
      await sse.waitFor((e) => e.type === 'line' && e.callId === callId && (e.line as { text: string }).text.includes('猪股'), 15_000);
      // The page rendered by the other process shows the call too.
      const page = await (await fetch(`${otherWeb.server.url}/console/live?lang=en`, { headers: { cookie } })).text();
      expect(page).toContain(`data-call-id="${callId}"`);
      // Every line streamed is one the store holds, in order, none twice.
      const stored = (await textCall()).transcript.map((l) => l.text);
      const streamed = [
        ...(inSnapshot!.lines as Array<{ text: string }>).map((l) => l.text),
        ...sse.events.filter((e) => e.type === 'line' && e.callId === callId).map((e) => (e.line as { text: string }).text),
      ];
      expect(streamed).toEqual(stored.slice(0, streamed.length));

      call.ws.close();
      const ended = await sse.waitFor((e) => e.type === 'ended' && e.callId === callId, 15_000);
      expect(ended.outcome).toBe('abandoned');
      await waitFor('the call to leave every snapshot', async () => {
        const views = await Promise.all([web, otherWeb, worker].map((t) => t.services.live.snapshot()));
        return views.every((v) => !v.some((c) => c.callId === callId));
      });
    } finally {
      sse.close();
    }
  }, 60_000);
});
