import { describe, expect, it } from 'vitest';
import { readDigits } from './understanding/digits';
import { createHarness, STORY_CONTEXT_EN, STORY_CONTEXT_JA, type CallHarness } from './testing/call-harness';
import { redactCallerText } from './redaction';
import type { AgentAction } from './types';

type Stage = 'greet' | 'consent' | 'email' | 'code';

async function reach(stage: Stage, lang: 'ja' | 'en'): Promise<CallHarness> {
  const h = createHarness({ context: lang === 'ja' ? STORY_CONTEXT_JA : STORY_CONTEXT_EN });
  await h.start();
  if (stage === 'greet') return h;
  await h.say(lang === 'ja' ? 'はい' : 'yes');
  if (stage === 'consent') return h;
  await h.say(lang === 'ja' ? 'はい' : 'yes');
  if (stage === 'email') return h;
  await h.say(lang === 'ja' ? 'エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム' : 'm a t t y at gmail dot com');
  return h;
}

function callerTranscripts(actions: readonly AgentAction[]): string[] {
  return actions.flatMap((a) => (a.type === 'transcript' && a.speaker === 'caller' ? [a.text] : []));
}

const CASES: Array<[lang: 'ja' | 'en', stage: Stage, input: { say: string } | { key: string }]> = [
  ['ja', 'code', { say: '1,2,6,7' }],
  ['ja', 'code', { say: 'いち、に、ろく、なな' }],
  ['ja', 'code', { say: '一二六七五六九三' }],
  ['ja', 'code', { say: 'ごー、ろく、きゅう、さん' }],
  ['ja', 'code', { say: 'じゃあ言いますね、12675693' }],
  ['ja', 'code', { say: 'ちょっと待って、1267までは言いました' }],
  ['ja', 'code', { key: '12675693#' }],
  ['ja', 'code', { key: '1267' }],
  ['ja', 'greet', { key: '1234' }],
  ['ja', 'consent', { say: 'コードは12675693です' }],
  ['ja', 'consent', { say: 'コードは、いち、に、ろく、なな、ごー、ろく、きゅう、さんです' }],
  ['ja', 'email', { say: 'いち、に、ろく、なな、ごー、ろく、きゅう、さん' }],
  ['ja', 'greet', { say: 'もう一度言ってください、12675693でしたっけ' }],
  ['en', 'code', { say: 'one two six seven' }],
  ['en', 'code', { say: 'five six nine three' }],
  ['en', 'code', { say: '1 2 6 7 5 6 9 3' }],
  ['en', 'code', { say: 'hold on, it is 1267 5693' }],
  ['en', 'code', { key: '12675693' }],
  ['en', 'consent', { say: 'the code is one two six seven five six nine three' }],
  ['en', 'greet', { say: 'Can you repeat that, was it 12675693?' }],
  ['en', 'email', { say: 'one two six seven five six nine three' }],
  // Issue 7, finding 7: every language's readers on every turn, whatever the call's language.
  ['en', 'consent', { say: '一二六七五六九三' }],
  ['en', 'code', { say: 'ちょっと待って、いち、に、ろく、なな' }],
  ['en', 'greet', { say: 'コードは千二百六十七です' }],
  ['ja', 'consent', { say: 'the code is one two six seven' }],
  ['ja', 'greet', { say: 'twelve sixty-seven, fifty-six ninety-three' }],
  ['ja', 'email', { say: 'ちょっと待って、1267' }],
];

describe('transcript redaction: code digits never reach the transcript', () => {
  it.each(CASES)('%s, %s step: %j', async (lang, stage, input) => {
    const h = await reach(stage, lang);
    const out = 'say' in input ? await h.say(input.say) : await h.key(input.key);
    const caller = callerTranscripts(out);
    expect(caller).toHaveLength(1);
    for (const text of caller) {
      expect(text).not.toMatch(/[0-9０-９]/);
      // Both languages' readers, whatever the call's language (a kanji code on an English call).
      for (const reader of ['ja', 'en'] as const) expect(readDigits([text], reader).digits, lang).toBe('');
    }
    // And nowhere else in the actions either (the canary: only port.checkCode sees a code).
    expect(JSON.stringify(h.actions)).not.toMatch(/1267|5693/);
  });

  it('harmless speech outside the code step is kept verbatim', async () => {
    const en = await reach('greet', 'en');
    expect(callerTranscripts(await en.say("Sure, that's fine, I'm at home"))).toEqual(["Sure, that's fine, I'm at home"]);
    const h = await reach('greet', 'ja');
    expect(callerTranscripts(await h.say('あ、そうです～～猪股です。'))).toEqual(['あ、そうです～～猪股です。']);
  });

  it('short numbers outside the code step are masked digit by digit, not dropped', () => {
    expect(redactCallerText('第2営業部です', 'ja')).toBe('第#営業部です');
  });
});

/** Issue 7, finding 7: a spelled or written address is redacted in any step, inside any intent cue. */
const ADDRESS_CASES: Array<[lang: 'ja' | 'en', stage: Stage, say: string]> = [
  ['ja', 'email', 'ちょっと待ってください、エム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコム'],
  ['ja', 'email', 'もう一度言います、エム、エー、ティ、ティ、ワイ'],
  ['ja', 'email', 'メールアドレスを変更したいです、新しいのはエム、エー、ティ、ティ、ワイです'],
  ['ja', 'consent', 'はい、アドレスはエム、エー、ティ、ティ、ワイ、アットマーク、ジーメールドットコムです'],
  ['ja', 'greet', 'matty@gmail.com宛てのやつですか'],
  ['en', 'email', 'hold on, m a t t y at gmail dot com'],
  ['en', 'email', 'sorry, can you repeat, I said m a t t y'],
  ['en', 'email', 'I want to change my email to m a t t y at gmail dot com'],
  ['en', 'consent', 'yes, and my address is m, a, t, t, y at gmail dot com'],
  ['en', 'greet', 'Is this about matty@gmail.com?'],
  ['en', 'code', 'wait, エム、エー、ティ、ティ、ワイ'],
];

describe('transcript redaction: spelled and written addresses never reach the transcript', () => {
  it.each(ADDRESS_CASES)('%s, %s step: %s', async (lang, stage, say) => {
    const h = await reach(stage, lang);
    const caller = callerTranscripts(await h.say(say));
    expect(caller).toHaveLength(1);
    expect(caller[0]).not.toMatch(/matty|m a t|エム、エー|ティ、ティ/i);
  });

  it('placeholders pass through unchanged (the store applies the same rule again)', () => {
    for (const text of ['[digits redacted]', '[code redacted]', '[keypad entry redacted]', '[email spelling redacted]']) {
      expect(redactCallerText(text)).toBe(text);
    }
  });
});
