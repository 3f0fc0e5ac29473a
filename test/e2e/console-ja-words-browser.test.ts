import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorCookie } from '../integration/operator-page';
import { type TestBrowser, launchChromium } from './support/chromium';
import { type TestServer, TextCaller, callNow, customerWithRequest, readCode, startTestServer } from './text-call-harness';

const SHOTS = path.resolve('test-artifacts/console-ja-words');
const KEYPAD_JA = '［キーパッド入力のため非表示］';
const SPELLING_JA = '［メールアドレスの綴りのため非表示］';

/**
 * Words on a page a person reads, without what is code on purpose: scripts, styles, <code> (stored
 * kinds and states kept beside their words for search), a timeline event's raw facts, attributes,
 * addresses (masked) and hex ids.
 */
function readableAsciiWords(body: string): string[] {
  const text = body
    .replace(/<(script|style|code|template)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<span data-testid="event-facts">[\s\S]*?<\/span>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z]+;|&#\d+;/g, ' ')
    .replace(/\S+@\S+/g, ' ')
    .replace(/\b[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\b|\b[0-9a-f]{6,}\b/g, ' ');
  return [...new Set(text.match(/[A-Za-z][A-Za-z_]+/g) ?? [])];
}

// Names, units and formats every console page may show in Japanese too.
const NOT_ENGLISH = new Set(
  ['aizuchi', 'English', 'JST', 'AI', 'MFA', 'CLI', 'SSO', 'TOTP', 'WAV', 'ms', 'HH', 'MM', 'YYYY', 'DD'].concat(
    // settings: the zone's IANA name, its variable, and the policy presets' own names
    ['Asia', 'Tokyo', 'AIZUCHI_TIMEZONE', 'standard', 'strict', 'mailbox'],
  ),
);

/**
 * The console in Japanese has no English left in it (issue 10): the redaction markers stored in a
 * transcript ("[keypad entry redacted]") are drawn in the reader's language on the case page, the
 * live view (server-rendered and as the script adds lines from SSE) and the softphone offer; the
 * customer's language, the channel, outcomes, states and assurance read as words.
 */
describe('the Japanese console shows no English fragments', () => {
  let t: TestServer;
  let b: TestBrowser;
  let op: { cookie: string; operatorId: string };
  let caseId: string;
  let call: TextCaller;
  let code: string;
  const get = async (p: string) => {
    const res = await fetch(`${t.server.url}${p}`, { headers: { cookie: op.cookie } });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    t = await startTestServer({ AIZUCHI_POLICY: 'mailbox' });
    op = await operatorCookie(t.services, 'words-op@example.com');
    b = await launchChromium(SHOTS);
    const token = op.cookie.split('=')[1]!;
    await b.context.addCookies([{ name: 'aizuchi_session', value: token, url: t.server.url }]);
    const c = { email: 'words@gmail.com', password: 'correct-horse-battery', name: '猪股', phone: '090-1234-5633', lang: 'ja' as const };
    ({ caseId } = await customerWithRequest(t, c, { withPassword: false }));
  }, 60_000);
  afterAll(async () => {
    call?.ws.close();
    await b?.close();
    await t?.stop();
  });

  it('the live view draws stored markers in Japanese, from the server and as lines arrive over SSE; English stays English', async () => {
    const page = b.page;
    await page.goto(`${t.server.url}/console/live?lang=ja`);
    await page.waitForSelector('[data-testid=live-status][data-state=live]');
    call = await TextCaller.connect(await callNow(t, caseId));
    await call.turn();
    await call.say('はい、そうです');
    await call.say('はい');
    await call.say('ダブリュー、オー、アール、ディー、エス、アットマーク、ジーメールドットコム');
    code = await readCode(t, 'words@gmail.com');
    await call.dtmf(code.split('').reverse().join('')); // a wrong code: the call goes on
    const stored = (await t.services.calls.callsForCase(caseId))[0]!.transcript.map((l) => l.text);
    expect(stored).toContain('[keypad entry redacted]'); // the store keeps the stable marker

    // Lines the script added from the stream.
    const lines = page.getByTestId('live-lines');
    await expect.poll(() => lines.textContent(), { timeout: 10_000 }).toContain(KEYPAD_JA);
    const scripted = (await page.locator('#live-calls').textContent()) ?? '';
    expect(scripted).toContain(SPELLING_JA);
    expect(scripted).not.toMatch(/redacted/);
    expect(scripted).toContain('言語: 日本語');
    expect(scripted).toContain('経路: テキスト');
    await b.screenshot('live-ja');

    // The server-rendered page, in both languages.
    const ja = await get('/console/live?lang=ja');
    expect(ja).toContain(KEYPAD_JA);
    expect(readableAsciiWords(ja).filter((w) => !NOT_ENGLISH.has(w))).toEqual([]);
    const en = await get('/console/live?lang=en');
    expect(en).toContain('[keypad entry redacted]');
    expect(en).toContain('Language: Japanese');
    await page.goto(`${t.server.url}/console/live?lang=en`);
    await b.screenshot('live-en');
  });

  it('every console page in Japanese, after the call went to a person: no English words left', async () => {
    await call.dtmf(code); // right, but without the password at request a person decides
    await call.waitClosed(10_000);
    const esc = await t.services.store.db.selectFrom('escalations').select('id').where('case_id', '=', caseId).executeTakeFirstOrThrow();
    const pages = [
      '/console?lang=ja',
      `/console/cases/${caseId}?lang=ja`,
      '/console/escalations?lang=ja',
      `/console/escalations/${esc.id}?lang=ja`,
      '/console/manual-recoveries?lang=ja',
      '/console/charts?lang=ja',
      '/console/settings?lang=ja',
      '/console/sessions?lang=ja',
      '/console/softphone?lang=ja',
      '/console/live?lang=ja',
    ];
    const left: Record<string, string[]> = {};
    for (const p of pages) {
      const words = readableAsciiWords(await get(p)).filter((w) => !NOT_ENGLISH.has(w));
      if (words.length) left[p] = words;
    }
    expect(left).toEqual({});
    const casePage = await get(`/console/cases/${caseId}?lang=ja`);
    expect(casePage).toContain(KEYPAD_JA);
    expect(casePage).toContain('担当者へ: ポリシーにより担当者の判断が必要');
    await b.page.goto(`${t.server.url}/console/cases/${caseId}?lang=ja`);
    await b.screenshot('case-ja');
    await b.page.goto(`${t.server.url}/console/cases/${caseId}?lang=en`);
    expect(await b.page.getByTestId('transcript').textContent()).toContain('[keypad entry redacted]');
    await b.screenshot('case-en');
  });
});
