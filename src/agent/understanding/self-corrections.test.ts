import { describe, expect, it } from 'vitest';
import { readDigits } from './digits';
import { readSpelledEmail } from './email';
import { splitAtCorrections } from './corrections';

// Issue 9, "Self-corrections inside a code or an email": the corrected digit/letter replaces the last one.
describe('self-corrections in a code', () => {
  it.each([
    // Issue lines.
    [['さんろくきゅうご', 'ごななななに', '違います、いち'], 'ja', '36955771'],
    [['one two three four', 'five six seven nine sorry eight'], 'en', '12345678'],
    // Other members of the kind.
    [['いちにさんよん', 'ごろくなな、間違えました、はち', 'きゅう'], 'ja', '12345689'],
    [['1234', '5679', 'ごめんなさい、8'], 'ja', '12345678'],
    [['いちにさんよんごろくななきゅう、いや、はち'], 'ja', '12345678'],
    [['イチニサンヨン', 'ゴロクナナキュウ', 'チガウ', 'ハチ'], 'ja', '12345678'],
    [['one two three four five six seven nine', 'no wait, eight'], 'en', '12345678'],
    [['one two three four five six seven', 'nine I mean eight'], 'en', '12345678'],
    [['one two three', 'four five six seven nine, actually eight'], 'en', '12345678'],
    [['one two three four five six seven nine', 'sorry', 'eight'], 'en', '12345678'],
  ] as const)('%j (%s) → %s', (turns, lang, want) => {
    const r = readDigits(turns, lang);
    expect(r).toEqual({ digits: want, complete: true });
  });

  it('a correction cue with nothing after it changes nothing yet', () => {
    expect(readDigits(['12345678', 'sorry'], 'en').digits).toBe('12345678');
  });

  it('ごめんなさい is a cue, not the digit ご', () => {
    expect(splitAtCorrections('ごめんなさい、8', 'ja')).toEqual(['', '、8']);
  });
});

describe('self-corrections in an email', () => {
  it.each([
    // Issue line.
    [['エム、エー、ティー、ティー、アイ、違います、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
    // Other members of the kind.
    [['エム、エー、ティー、ティー、アイ、間違えました、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
    [['エム、エー、ティー、ティー、アイ', 'ごめんなさい、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
    [['えむ、えー、てぃー、てぃー、あい、ちがう、わい', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
    [['m a t t i', 'actually y', 'at gmail dot com'], 'en', 'matty@gmail.com'],
    [['m a t t i no wait y at gmail dot com'], 'en', 'matty@gmail.com'],
  ] as const)('%j (%s) → %s', (turns, lang, want) => {
    expect(readSpelledEmail(turns, lang).email).toBe(want);
  });
});
