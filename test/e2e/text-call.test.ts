import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log';
import {
  type Customer,
  type TestServer,
  TextCaller,
  backchannels,
  callNow,
  customerWithRequest,
  ending,
  mailTo,
  prompts,
  readCode,
  startTestServer,
  waitForMail,
} from './text-call-harness';

const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const chunk = (code: string, from: number) => code.slice(from, from + 4).split('').join(',');
/** A wrong 8-digit entry that differs from the real code in every position. */
const wrongCode = (code: string, n: number) => code.split('').map((d) => String((Number(d) + 1 + (n % 9)) % 10)).join('');

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t?.stop();
});

async function caseEnd(caseId: string) {
  const row = await t.services.cases.require(caseId);
  const calls = await t.services.calls.callsForCase(caseId);
  return { row, calls, history: await t.services.cases.history(caseId) };
}

describe('a text call, end to end', () => {
  it('ja: the story call resets MFA, revokes sessions, mails the customer and keeps the audit chain intact', async () => {
    const c: Customer = { email: 'matty@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5601', lang: 'ja' };
    const { accountId, caseId } = await customerWithRequest(t, c, { withPassword: true });
    const session = await t.services.identity.sessions.create(accountId, 'full', new Date());

    const url = await callNow(t, caseId);
    expect(url).toMatch(/^ws:\/\/localhost:\d+\/api\/v1\/calls\/text\?token=[\w-]{30,}$/);
    const call = await TextCaller.connect(url);

    const greeting = await call.turn();
    expect(prompts(greeting)[0]).toMatch(/AIエージェント.*録音.*猪股様でいらっしゃいますか/);
    expect(greeting.at(-1)).toEqual({ type: 'listening', expecting: 'confirmation' });

    expect(prompts(await call.say('あ、そうです～～猪股です。'))[0]).toMatch(/MFA.*録音.*よろしいでしょうか/);
    const askEmail = await call.say('大丈夫です～～');
    expect(askEmail.at(-1)).toEqual({ type: 'listening', expecting: 'email' });

    const chunk1 = await call.say('えーっと、エム、エー、ティ、ティ、ワイ');
    expect(backchannels(chunk1)).toHaveLength(1);
    expect(prompts(chunk1)).toEqual([]);
    expect(chunk1.at(-1)).toEqual({ type: 'listening', expecting: 'email' });

    const sent = await call.say('アットマーク、ジーメールドットコムです');
    expect(prompts(sent).join('')).toMatch(/確認できました.*8桁の番号/);
    expect(sent.at(-1)).toEqual({ type: 'listening', expecting: 'code' });

    const code = await readCode(t, c.email);
    const first = await call.say(`あー、はい。これか。えーっと、${chunk(code, 0)}`);
    expect(backchannels(first)).toHaveLength(1);
    const done = await call.say(`${chunk(code, 4)}です`);
    expect(prompts(done).join('')).toMatch(/MFAを解除.*新しい認証デバイス/);
    expect(ending(done)).toBe('mfa_reset');
    await call.waitClosed();

    const account = await t.services.identity.getAccount(accountId);
    expect(account).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
    expect(await t.services.identity.sessions.read(session.token)).toBeNull();
    const resetMail = await waitForMail(t, c.email, (m) => /MFA/.test(m.subject) && /解除/.test(m.subject));
    expect(resetMail.text).toMatch(/\/recover\/cancel\?token=/);

    const { row, calls, history } = await caseEnd(caseId);
    expect(row).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.call).toMatchObject({ state: 'ended', outcome: 'mfa_reset', channel: 'text' });
    const transcript = calls[0]!.transcript.map((l) => l.text).join('\n');
    expect(transcript).toContain('[code redacted]');
    expect(transcript).toContain('[email spelling redacted]');
    expect(transcript).not.toContain(code.slice(0, 4));
    const kinds = history.map((e) => e.kind);
    for (const k of ['call_started', 'call_connected', 'code_sent', 'code_verified', 'reset_decision', 'mfa_reset', 'notification_queued', 'call_ended']) {
      expect(kinds).toContain(k);
    }
    expect((await verifyAuditLog(t.services.store)).ok).toBe(true);
  });
});
