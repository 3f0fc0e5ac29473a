import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AudioFrame } from '../../media/frame';
import { createSynthesizer } from './engine-registry';
import {
  applyPronunciations,
  BUILT_IN_PRONUNCIATIONS,
  loadPronunciationLexicon,
  mergePronunciations,
  parsePronunciationJson,
  parsePronunciationList,
  PronunciationError,
  pronouncingSynthesizer,
} from './pronunciation-lexicon';
import { createScriptedSynthesizer } from './scripted-synthesizer';

async function samples(frames: AsyncIterable<AudioFrame>): Promise<number[]> {
  const out: number[] = [];
  for await (const frame of frames) out.push(...frame.samples);
  return out;
}

describe('pronunciation lexicon', () => {
  it('parses the deployer list, skipping blanks and refusing items without a reading', () => {
    expect(parsePronunciationList('aizuchi=あいづち, AWS=エーダブリューエス,')).toEqual([
      { written: 'aizuchi', spoken: 'あいづち' },
      { written: 'AWS', spoken: 'エーダブリューエス' },
    ]);
    expect(() => parsePronunciationList('AWS')).toThrow(PronunciationError);
    expect(() => parsePronunciationList('AWS=')).toThrow(PronunciationError);
  });

  it('parses a JSON lexicon per language and refuses other shapes', () => {
    expect(parsePronunciationJson('{"ja":{"Acme":"アクミー"},"en":{"AWS":"A W S"}}')).toEqual({
      ja: [{ written: 'Acme', spoken: 'アクミー' }],
      en: [{ written: 'AWS', spoken: 'A W S' }],
    });
    expect(() => parsePronunciationJson('{"fr":{"a":"b"}}')).toThrow(/unknown language/);
    expect(() => parsePronunciationJson('["aizuchi"]')).toThrow(PronunciationError);
    expect(() => parsePronunciationJson('{"ja":{"a":1}}')).toThrow(PronunciationError);
    expect(() => parsePronunciationJson('{')).toThrow(/JSON/);
  });

  it('replaces whole Latin words case-insensitively, also next to Japanese, and leaves other words alone', () => {
    const ja = mergePronunciations({ ja: parsePronunciationList('AWS=エーダブリューエス') }).ja;
    expect(applyPronunciations('こちらはaizuchiのサポート窓口です。AWSとLAWSとAizuchi。', ja)).toBe(
      'こちらはあいづちのサポート窓口です。エーダブリューエスとLAWSとあいづち。',
    );
    expect(applyPronunciations('Welcome to aizuchi support.', BUILT_IN_PRONUNCIATIONS.en)).toBe('Welcome to eye zoo chee support.');
  });

  it('lets a later source re-read a word, and prefers the longest match', () => {
    const lexicon = mergePronunciations({
      ja: [
        { written: 'AIZUCHI', spoken: 'アイヅチ' },
        { written: 'aizuchi cloud', spoken: 'あいづちクラウド' },
      ],
    });
    expect(lexicon.ja).toHaveLength(2);
    expect(applyPronunciations('aizuchi cloudとaizuchi', lexicon.ja)).toBe('あいづちクラウドとアイヅチ');
  });

  it('applies each language its own entries before synthesis', async () => {
    const inner = createScriptedSynthesizer();
    const synth = pronouncingSynthesizer(inner, mergePronunciations({ en: [{ written: 'AWS', spoken: 'A W S' }] }));
    await samples(synth.synthesize('aizuchiとAWS', { lang: 'ja' }));
    await samples(synth.synthesize('aizuchi on AWS', { lang: 'en' }));
    expect(inner.calls).toEqual(['あいづちとAWS', 'eye zoo chee on A W S']);
  });

  it('open_jtalk speaks "aizuchi" as あいづち through the app synthesizer, not letter by letter', async () => {
    const withLexicon = await samples(createSynthesizer({ cache: false }).synthesize('aizuchiです。', { lang: 'ja' }));
    const kana = await samples(createSynthesizer({ cache: false }).synthesize('あいづちです。', { lang: 'ja' }));
    const letters = await samples(
      createSynthesizer({ cache: false, pronunciations: { ja: [], en: [] } }).synthesize('aizuchiです。', { lang: 'ja' }),
    );
    expect(withLexicon).toEqual(kana);
    // Letter by letter (エーアイズィーユー…) takes far longer than three morae.
    expect(letters.length).toBeGreaterThan(kana.length * 1.5);
  });
});

describe('loadPronunciationLexicon', () => {
  it('merges built-in, file and lists (the list wins), and names the variable at fault', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aizuchi-lexicon-'));
    try {
      const file = join(dir, 'lexicon.json');
      await writeFile(file, JSON.stringify({ ja: { AWS: 'アマゾンウェブサービス', Acme: 'アクミー' } }));
      const lexicon = await loadPronunciationLexicon({ file, ja: 'AWS=エーダブリューエス' });
      expect(applyPronunciations('aizuchiとAcmeとAWS', lexicon.ja)).toBe('あいづちとアクミーとエーダブリューエス');
      await writeFile(file, '{"ja": []}');
      await expect(loadPronunciationLexicon({ file })).rejects.toThrow(/AIZUCHI_PRONUNCIATIONS_FILE/);
      await expect(loadPronunciationLexicon({ file: join(dir, 'missing.json') })).rejects.toThrow(/AIZUCHI_PRONUNCIATIONS_FILE/);
      await expect(loadPronunciationLexicon({ en: 'AWS' })).rejects.toThrow(/AIZUCHI_PRONUNCIATIONS_EN/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
