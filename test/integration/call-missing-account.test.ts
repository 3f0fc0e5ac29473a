import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type TestServer, TextCaller, callNow, customerWithRequest, startTestServer } from '../e2e/text-call-harness';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
});

afterAll(async () => {
  await t?.stop();
});

describe('a call whose account vanished before it connected', () => {
  it('ends escalated as system_error and logs the typed cause (MissingAccountError, account_missing)', async () => {
    const c = { email: 'gone@example.com', password: 'correct-horse-battery', name: 'Gone', phone: '090-1234-5690', lang: 'en' as const };
    const { accountId, caseId } = await customerWithRequest(t, c, { withPassword: false });
    const url = await callNow(t, caseId);
    // The account is deleted between the call link and the connection.
    const real = t.services.identity.getContact.bind(t.services.identity);
    const spy = vi.spyOn(t.services.identity, 'getContact').mockImplementation(async (id) => (id === accountId ? null : real(id)));
    try {
      const caller = await TextCaller.connect(url);
      await caller.waitClosed();
    } finally {
      spy.mockRestore();
    }
    const [ended] = await t.services.calls.callsForCase(caseId);
    const call = ended?.call;
    expect(call).toMatchObject({ state: 'ended', outcome: 'escalated' });
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.callId === call?.id && l.errorName);
    expect(line).toMatchObject({ errorName: 'MissingAccountError', errorCode: 'account_missing' });
  });
});
