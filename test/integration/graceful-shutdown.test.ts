import { afterEach, describe, expect, it } from 'vitest';
import { type TestServer, TextCaller, callNow, customerWithRequest, startTestServer } from '../e2e/text-call-harness';

/**
 * Issue 11, graceful shutdown: what `aizuchi serve` does on SIGTERM (RunningServer.shutdown), and
 * Kubernetes-style readiness (/readyz) beside liveness (/healthz).
 */
let t: TestServer | undefined;

afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const customer = (n: number) => ({
  email: `drain${n}@example.com`,
  password: 'correct-horse-battery',
  name: `Drain ${n}`,
  phone: `090-1234-56${String(n).padStart(2, '0')}`,
  lang: 'en' as const,
});

async function status(url: string): Promise<{ code: number; body: unknown }> {
  const res = await fetch(url);
  return { code: res.status, body: await res.json() };
}

/** The call's row and its case's state, read through a second set of services on the same database. */
async function callAndCase(server: TestServer, caseId: string) {
  const cli = await server.cli();
  const [entry] = await cli.calls.callsForCase(caseId);
  return { call: entry?.call, caseState: (await cli.cases.get(caseId))?.state };
}

describe('graceful shutdown and readiness', () => {
  it('while draining: /readyz 503, /healthz 200, new call streams refused; a call still running at the drain time ends abandoned and its case is retried', async () => {
    t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
    expect(await status(`${t.server.url}/readyz`)).toEqual({ code: 200, body: { status: 'ready' } });

    const first = await customerWithRequest(t, customer(1), { withPassword: false });
    const caller = await TextCaller.connect(await callNow(t, first.caseId));
    await caller.turn(); // the call is under way: the agent has spoken
    const second = await customerWithRequest(t, customer(2), { withPassword: false });
    const secondUrl = await callNow(t, second.caseId);

    // Long enough for the checks below on a loaded machine; the call is still running when it ends.
    const drained = t.server.shutdown(8000);
    expect(await status(`${t.server.url}/readyz`)).toEqual({ code: 503, body: { status: 'draining' } });
    expect((await status(`${t.server.url}/healthz`)).code).toBe(200);
    await expect(TextCaller.connect(secondUrl)).rejects.toThrow('HTTP 503');

    expect(await drained).toEqual({ finished: 0, abandoned: 1 });
    await caller.waitClosed();
    const after = await callAndCase(t, first.caseId);
    expect(after.call).toMatchObject({ state: 'ended', outcome: 'abandoned' });
    expect(after.caseState).toBe('scheduled'); // retried: booked again, not left hanging
    // The refused link was never used: its call has not started and may still be answered elsewhere.
    expect((await callAndCase(t, second.caseId)).call?.state).toBe('pending');
  }, 60_000);

  it('lets a call that ends during the drain time end on its own', async () => {
    t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
    const { caseId } = await customerWithRequest(t, customer(3), { withPassword: false });
    const caller = await TextCaller.connect(await callNow(t, caseId));
    await caller.turn();
    const drained = t.server.shutdown(30_000);
    caller.ws.close(); // the customer hangs up while the server drains
    expect(await drained).toEqual({ finished: 1, abandoned: 0 });
    expect((await callAndCase(t, caseId)).call?.state).toBe('ended');
  }, 60_000);

  it('/readyz says 503 when the database does not answer, while /healthz stays 200', async () => {
    t = await startTestServer();
    await t.services.store.close();
    expect(await status(`${t.server.url}/readyz`)).toEqual({ code: 503, body: { status: 'database_unreachable' } });
    expect((await status(`${t.server.url}/healthz`)).code).toBe(200);
  });
});
