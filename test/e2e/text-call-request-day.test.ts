import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, TextCaller, callNow, customerWithRequest, prompts, startTestServer } from './text-call-harness';

/**
 * The agent names the request honestly (issue 13): 先日 ("the other day") only when the customer
 * asked on an earlier calendar day (Asia/Tokyo) than the call, 先ほど when they asked today.
 */
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
});
afterAll(async () => {
  await t?.stop();
});

/** The agent's reason for calling, said once the right person is confirmed. */
async function purposeLine(email: string, requestedDaysAgo: number): Promise<string> {
  const { caseId } = await customerWithRequest(
    t,
    { email, password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5601', lang: 'ja' },
    { withPassword: true },
  );
  if (requestedDaysAgo > 0) {
    const at = new Date(Date.now() - requestedDaysAgo * 86_400_000).toISOString();
    await t.services.store.db.updateTable('cases').set({ created_at: at }).where('id', '=', caseId).execute();
  }
  const call = await TextCaller.connect(await callNow(t, caseId));
  await call.turn();
  return prompts(await call.say('はい、そうです。猪股です。')).join('');
}

describe('the reason for the call names the day of the request', () => {
  it('asked today: 先ほど, never 先日', async () => {
    const line = await purposeLine('today@example.com', 0);
    expect(line).toContain('先ほどご依頼いただいた');
    expect(line).not.toContain('先日');
  });

  it('asked two days ago: 先日', async () => {
    expect(await purposeLine('earlier@example.com', 2)).toContain('先日ご依頼いただいた');
  });
});
