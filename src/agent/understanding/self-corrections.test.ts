import { describe, expect, it } from 'vitest';
import { readDigits } from './digits';
import { readSpelledEmail } from './email';
import { splitAtCorrections } from './corrections';
import { CODE_CORRECTIONS, EMAIL_CORRECTIONS } from './test-sets/corrections';

// Issue 9, "Self-corrections inside a code or an email": the corrected digit/letter replaces the last one.
describe('self-corrections in a code', () => {
  it.each(CODE_CORRECTIONS)('%j (%s) → %s', (turns, lang, want) => {
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
  it.each(EMAIL_CORRECTIONS)('%j (%s) → %s', (turns, lang, want) => {
    expect(readSpelledEmail(turns, lang).email).toBe(want);
  });
});
