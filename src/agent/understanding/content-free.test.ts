import { describe, expect, it } from 'vitest';
import { readSpelledEmail } from './email';
import { CONTENT_FREE_TURNS } from './test-sets/content-free';
import { isBackchannel, isContentFreeTurn, isSilencePhrase } from './content-free';

// Issue 9, "Turns with no content read as content": silence hallucinations and back-channels between letters.
describe('content-free turns while spelling an email', () => {
  it.each(CONTENT_FREE_TURNS)('%j (%s) → %s', (turns, lang, want) => {
    expect(readSpelledEmail(turns, lang)).toMatchObject({ email: want, status: 'complete' });
  });

  it('a silence phrase appended to real letters is removed, the letters kept', () => {
    expect(
      readSpelledEmail(['エム、エー、ティー、ティー、ワイ。ご視聴ありがとうございました', 'アットマーク', 'ジーメールドットコム'], 'ja')
        .email,
    ).toBe('matty@gmail.com');
    expect(readSpelledEmail(['m a t t y. Thanks for watching!', 'at gmail dot com'], 'en').email).toBe('matty@gmail.com');
  });

  it('the letter U said inside a turn is still a letter', () => {
    expect(readSpelledEmail(['m a t you t y at gmail dot com'], 'en').email).toBe('matuty@gmail.com');
    expect(readSpelledEmail(['エム、ユー', 'アットマーク', 'ジーメールドットコム'], 'ja').email).toBe('mu@gmail.com');
  });

  it('classifies silence phrases and back-channels by rule', () => {
    expect(isSilencePhrase('you', 'en')).toBe(true);
    expect(isSilencePhrase(' Thank you. ', 'en')).toBe(true);
    expect(isSilencePhrase('ご視聴ありがとうございました。', 'ja')).toBe(true);
    expect(isSilencePhrase('u', 'en')).toBe(false);
    expect(isBackchannel('Uh-huh.', 'en')).toBe(true);
    expect(isBackchannel('うん', 'ja')).toBe(true);
    expect(isContentFreeTurn('m a t', 'en')).toBe(false);
    expect(isContentFreeTurn('エム', 'ja')).toBe(false);
  });
});
