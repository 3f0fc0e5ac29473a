import { describe, expect, it } from 'vitest';
import { createHarness, STORY_ACCOUNT, STORY_CONTEXT_EN, spoken, type CallHarness } from './testing/call-harness';
import { DEFAULT_TUNING } from './tuning';

const SETTLE = DEFAULT_TUNING.settleMs;

async function atCodeStep(lang: 'ja' | 'en', code: string): Promise<CallHarness> {
  const h = createHarness({
    ...(lang === 'en' ? { context: STORY_CONTEXT_EN } : {}),
    port: { account: { ...STORY_ACCOUNT, code } },
  });
  await h.start();
  await h.say(lang === 'ja' ? 'はい' : 'yes');
  await h.say(lang === 'ja' ? 'はい' : 'yes');
  await h.say(lang === 'ja' ? 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム' : 'm a t t y at gmail dot com');
  await h.settle();
  expect(h.agent.snapshot().step).toBe('code');
  return h;
}

const checked = (h: CallHarness) => h.port.calls.filter((c) => c.method === 'checkCode').map((c) => c.args[0]);
const interim = (h: CallHarness, text: string) => h.agent.handle({ type: 'utterance', text, isFinal: false });

/** Issue 9: the code is checked after a settle window, so a correction in the next turn still counts. */
describe('the settle window after the 8th digit', () => {
  it('ja, the issue line: さんろくきゅうご · ごななななに · 違います、いち → 36955771, one attempt, reset', async () => {
    const h = await atCodeStep('ja', '36955771');
    await h.say('さんろくきゅうご');
    await h.say('ごななななに');
    // The caller takes a moment before the repair; the window has not run out.
    expect(await h.silence(SETTLE - 1)).toEqual([]);
    await h.say('違います、いち');
    expect(checked(h)).toEqual([]);
    await h.settle();
    expect(checked(h)).toEqual(['36955771']);
    expect(h.port.events.filter((e) => e.kind === 'code_attempt')).toHaveLength(1);
    expect(h.outcome()).toBe('mfa_reset');
  });

  it('en: a caller still talking (interim results) holds the check until their words are final', async () => {
    const h = await atCodeStep('en', '12345678');
    await h.say('one two three four');
    await h.say('five six seven nine');
    await h.silence(SETTLE - 500);
    await interim(h, 'sorry');
    // Longer than the window since the 8th digit, but the caller started talking within it.
    await h.silence(SETTLE - 1);
    await interim(h, 'sorry eight');
    await h.silence(SETTLE - 1);
    expect(checked(h)).toEqual([]);
    await h.say('sorry eight');
    await h.settle();
    expect(checked(h)).toEqual(['12345678']);
    expect(h.outcome()).toBe('mfa_reset');
  });

  it('a right code said once is checked when the window runs out, with the caller quiet', async () => {
    const h = await atCodeStep('ja', STORY_ACCOUNT.code);
    await h.say('いちにろくなな');
    await h.say('ごろくきゅうさん');
    expect(await h.silence(SETTLE - 1)).toEqual([]);
    expect(spoken(await h.silence(1)).join('')).toMatch(/確認できました/);
    expect(checked(h)).toEqual([STORY_ACCOUNT.code]);
  });

  it('keypad # confirms a whole spoken code at once', async () => {
    const h = await atCodeStep('en', STORY_ACCOUNT.code);
    await h.say('one two six seven five six nine three');
    await h.key('#');
    expect(checked(h)).toEqual([STORY_ACCOUNT.code]);
    expect(h.outcome()).toBe('mfa_reset');
  });

  it('a side request inside the window ("repeat that") does not lose the code', async () => {
    const h = await atCodeStep('en', STORY_ACCOUNT.code);
    await h.say('one two six seven five six nine three');
    await h.say('Sorry, can you repeat that?');
    await h.settle();
    expect(checked(h)).toEqual([STORY_ACCOUNT.code]);
  });
});
