import { describe, expect, it } from 'vitest';
import { createEspeakSynthesizer } from '../espeak/espeak-synthesizer';
import { createOpenJTalkSynthesizer, DEBIAN_OPENJTALK_PATHS } from '../openjtalk/openjtalk-synthesizer';
import type { Synthesizer } from '../synthesizer';
import type { Lang } from '../../domain/lang';
import { sayDigits, sayEmail, SayAsError } from './say-as';
import { sentenceStreaming } from './sentence-streaming';

async function durationMs(synth: Synthesizer, text: string, lang: Lang): Promise<number> {
  let frames = 0;
  for await (const _frame of synth.synthesize(text, { lang })) frames++;
  return frames * 20;
}

describe('sayDigits', () => {
  it('reads Japanese digits one by one with phone-style readings', () => {
    expect(sayDigits('0123456789', 'ja', { groupSize: 0 })).toBe('ゼロ、イチ、ニー、サン、ヨン、ゴー、ロク、ナナ、ハチ、キュー');
  });

  it('reads English digits as words with commas', () => {
    expect(sayDigits('407', 'en')).toBe('four, zero, seven');
  });

  it('groups long codes in fours with a longer pause', () => {
    expect(sayDigits('12675693', 'ja')).toBe('イチ、ニー、ロク、ナナ。ゴー、ロク、キュー、サン');
    expect(sayDigits('12675693', 'en')).toBe('one, two, six, seven. five, six, nine, three');
  });

  it('keeps the caller’s own grouping and accepts full-width digits', () => {
    expect(sayDigits('０９０-１２', 'ja')).toBe('ゼロ、キュー、ゼロ。イチ、ニー');
  });

  it('rejects anything that is not digits', () => {
    expect(() => sayDigits('12a4', 'ja')).toThrow(SayAsError);
    expect(() => sayDigits('', 'en')).toThrow(SayAsError);
    expect(() => sayDigits(' - ', 'en')).toThrow(SayAsError);
  });
});

describe('sayEmail', () => {
  it('spells the local part and says well-known domains as words (ja)', () => {
    expect(sayEmail('Mar.u_1@gmail.com', 'ja')).toBe(
      'エム、エー、アール、ドット、ユー、アンダーバー、イチ、アットマーク、ジーメール、ドット、コム',
    );
  });

  it('spells unknown domain labels letter by letter (ja)', () => {
    expect(sayEmail('k-t+x@ab.co.jp', 'ja')).toBe(
      'ケー、ハイフン、ティー、プラス、エックス、アットマーク、エー、ビー、ドット、シー、オー、ドット、ジェー、ピー',
    );
  });

  it('spells in English with capital letter names', () => {
    expect(sayEmail('ann7@example.com', 'en')).toBe('A, N, N, seven, at, E, X, A, M, P, L, E, dot, com');
  });

  it('can spell the whole domain on request', () => {
    expect(sayEmail('a@gmail.com', 'en', { spellDomain: true })).toBe('A, at, G, M, A, I, L, dot, C, O, M');
  });

  it('rejects text that is not an address', () => {
    for (const bad of ['', 'no-at-sign', 'a@b', 'a@@b.com', 'ユーザー@example.com', 'a b@example.com']) {
      expect(() => sayEmail(bad, 'ja')).toThrow(SayAsError);
    }
  });
});

describe('say-as through the real engines', () => {
  it('open_jtalk speaks each added digit as a separate word', async () => {
    const synth = sentenceStreaming(createOpenJTalkSynthesizer(DEBIAN_OPENJTALK_PATHS));
    const durations: number[] = [];
    for (const code of ['7', '75', '753', '7531']) durations.push(await durationMs(synth, sayDigits(code, 'ja'), 'ja'));
    for (let i = 1; i < durations.length; i++) {
      // A digit word plus its pause is well over a quarter second.
      expect((durations[i] ?? 0) - (durations[i - 1] ?? 0)).toBeGreaterThan(250);
    }
  });

  it('espeak-ng speaks each added digit as a separate word', async () => {
    const synth = createEspeakSynthesizer();
    const durations: number[] = [];
    for (const code of ['7', '75', '753', '7531']) durations.push(await durationMs(synth, sayDigits(code, 'en'), 'en'));
    for (let i = 1; i < durations.length; i++) {
      expect((durations[i] ?? 0) - (durations[i - 1] ?? 0)).toBeGreaterThan(250);
    }
  });

  it('open_jtalk reads a spelled address longer than the address as text', async () => {
    const synth = sentenceStreaming(createOpenJTalkSynthesizer(DEBIAN_OPENJTALK_PATHS));
    const spelled = await durationMs(synth, sayEmail('maru@example.com', 'ja'), 'ja');
    const plain = await durationMs(synth, 'maru@example.com', 'ja');
    expect(spelled).toBeGreaterThan(plain);
  });
});
