import { describe, expect, it } from 'vitest';
import { readSpelledEmail } from './email';
import { EN_PROVIDER_WORDS, JA_LETTER_WORDS, JA_PROVIDER_WORDS } from './test-sets/email';

// Issue 9, "Letters written as other words".
describe('letters written as other words', () => {
  it.each(JA_LETTER_WORDS)('%j → %s', (turns, want) => {
    expect(readSpelledEmail(turns, 'ja').email).toBe(want);
  });
});

describe('well-known providers said as words', () => {
  it.each(EN_PROVIDER_WORDS)('en %s → %s', (turn, want) => {
    expect(readSpelledEmail([turn], 'en').email).toBe(want);
  });

  it.each(JA_PROVIDER_WORDS)('ja %s → %s', (domain, want) => {
    expect(readSpelledEmail(['エム', 'アットマーク', domain], 'ja').email).toBe(want);
  });

  it('an unknown domain word still asks to spell the domain', () => {
    expect(readSpelledEmail(['m a t t y at zorblax dot com'], 'en')).toMatchObject({ status: 'spell_domain', unknownDomain: 'zorblax' });
    expect(readSpelledEmail(['エム', 'アットマーク', 'アイズチテックドットコム'], 'ja')).toMatchObject({ status: 'spell_domain' });
  });
});
