import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, TextCaller, callNow, customerWithRequest, prompts, startTestServer } from './text-call-harness';

/**
 * Issue 9: the name stored with the account reaches the call and is said the way the call's language
 * reads it — the kana reading in Japanese, the Latin spelling in English — and never the kanji in English.
 */
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
});
afterAll(async () => {
  await t?.stop();
});

/** Everything the agent said up to the reason for the call, once the callee confirmed in person. */
async function untilPurpose(email: string, lang: 'ja' | 'en', readings: { nameKana?: string; nameLatin?: string }): Promise<string[]> {
  const customer = { email, password: 'correct-horse-battery', name: '猪股 太郎', phone: '090-1234-5601', lang, ...readings };
  const { caseId } = await customerWithRequest(t, customer, { withPassword: true });
  const call = await TextCaller.connect(await callNow(t, caseId));
  const greeting = prompts(await call.turn());
  const purpose = prompts(await call.say(lang === 'ja' ? 'はい、本人です。' : 'Yes, speaking.'));
  call.ws.close();
  return [...greeting, ...purpose];
}

describe("the name in the caller's language", () => {
  it('ja: the kana reading after the callee confirmed, never in the greeting', async () => {
    const [greeting, ...after] = await untilPurpose('kana@example.com', 'ja', { nameKana: 'イノマタ タロウ', nameLatin: 'Taro Inomata' });
    expect(greeting).not.toMatch(/イノマタ|猪股/);
    expect(after.join('')).toContain('ありがとうございます、イノマタ タロウ様。');
  });

  it('en: the Latin spelling; and with none stored, no name at all rather than the kanji', async () => {
    const latin = await untilPurpose('latin@example.com', 'en', { nameKana: 'イノマタ タロウ', nameLatin: 'Taro Inomata' });
    expect(latin.join(' ')).toContain('Thank you, Taro Inomata.');
    const none = await untilPurpose('nolatin@example.com', 'en', { nameKana: 'イノマタ タロウ' });
    expect(none.join(' ')).toContain("Thank you. I'm calling about");
    expect(none.join(' ')).not.toMatch(/[猪股太郎イノマタ]/u);
  });
});
