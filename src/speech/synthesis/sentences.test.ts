import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences';

describe('splitSentences', () => {
  it('splits Japanese at 。！？ and keeps the mark', () => {
    expect(splitSentences('お電話ありがとうございます。ご本人様ですか？よろしいですね！')).toEqual([
      'お電話ありがとうございます。',
      'ご本人様ですか？',
      'よろしいですね！',
    ]);
  });

  it('splits English at . ! ? followed by space, not inside numbers or addresses', () => {
    expect(splitSentences('Hello. Version 3.5 is at a.b@example.com now! Ready?')).toEqual([
      'Hello.',
      'Version 3.5 is at a.b@example.com now!',
      'Ready?',
    ]);
  });

  it('splits long sentences at commas into pieces no longer than the limit', () => {
    const clause = 'あいうえおかきくけこ、';
    const pieces = splitSentences(clause.repeat(10) + '終わり。', { longSentenceChars: 40 });
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) expect(piece.length).toBeLessThanOrEqual(40);
    expect(pieces.join('')).toBe(clause.repeat(10) + '終わり。');
  });

  it('keeps short sentences with commas whole', () => {
    expect(splitSentences('はい、承知しました。')).toEqual(['はい、承知しました。']);
  });

  it('never returns a piece longer than maxChars', () => {
    const pieces = splitSentences('あ'.repeat(600), { maxChars: 250 });
    expect(pieces.map((p) => p.length)).toEqual([250, 250, 100]);
  });

  it('treats newlines as breaks and drops blank pieces', () => {
    expect(splitSentences('one\n\n  two  \n')).toEqual(['one', 'two']);
  });

  it('attaches punctuation-only tails to the previous sentence', () => {
    expect(splitSentences('そうですか。……。')).toEqual(['そうですか。……。']);
  });

  it('keeps closing quotes with their sentence', () => {
    expect(splitSentences('「はい。」と言った。')).toEqual(['「はい。」', 'と言った。']);
  });

  it('returns nothing for blank text', () => {
    expect(splitSentences('   ')).toEqual([]);
  });
});
