import { describe, expect, it } from 'vitest';
import { isWhisperSilencePhrase } from './silence-phrases';

describe('Whisper silence phrases (issue 9)', () => {
  it.each([
    ['you', 'en'],
    [' You. ', 'en'],
    ['Thanks for watching!', 'en'],
    ['Thank you for watching.', 'en'],
    ['ご視聴ありがとうございました', 'ja'],
    ['ご視聴ありがとうございました。', 'ja'],
    ['チャンネル登録よろしくお願いします！', 'ja'],
  ] as const)('%j (%s) is a silence phrase', (text, lang) => {
    expect(isWhisperSilencePhrase(text, lang)).toBe(true);
  });

  it.each([
    ['you t y', 'en'],
    ['thank you', 'en'],
    ['u', 'en'],
    ['', 'en'],
    ['ありがとうございます', 'ja'],
    ['エム、ご視聴ありがとうございました', 'ja'],
  ] as const)('%j (%s) is kept', (text, lang) => {
    expect(isWhisperSilencePhrase(text, lang)).toBe(false);
  });
});
