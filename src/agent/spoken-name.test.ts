import { describe, expect, it } from 'vitest';
import { spokenName } from './spoken-name';
import { createHarness, STORY_CONTEXT_EN, STORY_CONTEXT_JA, spoken } from './testing/call-harness';
import type { CallContext } from './types';

const KANJI = { customerName: '猪股 太郎' };
const READINGS = { customerNameKana: 'イノマタ タロウ', customerNameLatin: 'Taro Inomata' };
const KANJI_CHARS = /[猪股太郎]/u;

describe('spokenName: the name as the call language says it (issue 9)', () => {
  it.each([
    ['ja', { ...KANJI, ...READINGS }, 'イノマタ タロウ'],
    ['en', { ...KANJI, ...READINGS }, 'Taro Inomata'],
    // No reading: kanji is never handed to a synthesizer that would guess at it or spell it.
    ['ja', KANJI, null],
    ['en', KANJI, null],
    ['en', { ...KANJI, customerNameKana: 'イノマタ タロウ' }, null],
    // Written the way the language reads it already.
    ['ja', { customerName: 'いのまた たろう' }, 'いのまた たろう'],
    ['en', { customerName: 'Alex Inomata' }, 'Alex Inomata'],
    ['ja', { customerName: 'Alex Inomata' }, null],
    ['en', {}, null],
  ] as const)('%s %j → %s', (lang, names, want) => {
    const call: CallContext = { ...(lang === 'ja' ? STORY_CONTEXT_JA : STORY_CONTEXT_EN), customerName: undefined, ...names };
    expect(spokenName(call)).toBe(want);
  });
});

async function confirmed(context: Partial<CallContext>, yes: string) {
  const h = createHarness({ context });
  const greeting = spoken(await h.start()).join(' ');
  const afterYes = spoken(await h.say(yes)).join(' ');
  return { h, greeting, afterYes };
}

describe("the agent says the name in the caller's language, only after the right person confirmed", () => {
  it('ja: the kana reading, with 様; the greeting names nobody', async () => {
    const { greeting, afterYes } = await confirmed({ ...STORY_CONTEXT_JA, ...KANJI, ...READINGS }, 'はい、本人です');
    expect(greeting).not.toMatch(/イノマタ|猪股/);
    expect(afterYes).toMatch(/^ありがとうございます、イノマタ タロウ様。/);
    expect(afterYes).not.toMatch(KANJI_CHARS);
  });

  it('en: the Latin spelling; never the kanji', async () => {
    const { h, greeting, afterYes } = await confirmed({ ...STORY_CONTEXT_EN, ...KANJI, ...READINGS }, 'Yes, speaking.');
    expect(greeting).not.toMatch(/Inomata/);
    expect(afterYes).toMatch(/^Thank you, Taro Inomata\. I'm calling about/);
    expect(h.agentTexts().join(' ')).not.toMatch(KANJI_CHARS);
  });

  it('en with no Latin spelling: asks for the account holder without a name and never reads the kanji', async () => {
    const { h, greeting, afterYes } = await confirmed(
      { ...STORY_CONTEXT_EN, ...KANJI, customerNameKana: 'イノマタ タロウ' },
      'Yes, speaking.',
    );
    expect(greeting).toMatch(/Am I speaking, in person, with the Acme Cloud customer I'm calling for\?/);
    expect(afterYes).toMatch(/^Thank you\. I'm calling about/);
    expect(h.agentTexts().join(' ')).not.toMatch(/[猪股太郎イノマタ]/u);
  });

  it('ja with no kana reading: no name rather than a guessed reading of the kanji', async () => {
    const { h, afterYes } = await confirmed({ ...STORY_CONTEXT_JA, ...KANJI }, 'はい、本人です');
    expect(afterYes).toMatch(/^ありがとうございます。/);
    expect(h.agentTexts().join(' ')).not.toMatch(KANJI_CHARS);
  });

  it.each([
    ['ja', 'いのまたです'],
    ['ja', 'イノマタです'],
    ['en', 'Inomata.'],
  ] as const)('%s: the callee saying their name in any stored form counts as a yes: %s', async (lang, text) => {
    const { h } = await confirmed({ ...(lang === 'ja' ? STORY_CONTEXT_JA : STORY_CONTEXT_EN), ...KANJI, ...READINGS }, text);
    expect(h.agent.snapshot().rightPartyConfirmed).toBe(true);
  });

  it('a short Latin name is matched as a word, not inside another word', async () => {
    const { h } = await confirmed({ ...STORY_CONTEXT_EN, customerName: 'Al Li' }, 'the calendar');
    expect(h.agent.snapshot().rightPartyConfirmed).toBe(false);
  });
});
