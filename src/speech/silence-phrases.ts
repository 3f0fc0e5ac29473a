import type { Lang } from '../domain/lang';

/**
 * Phrases Whisper-family models invent when given silence or line noise: they were trained on subtitled
 * video, so an empty stretch decodes to a sign-off ("ご視聴ありがとうございました", "thanks for watching")
 * or a lone "you" (issue 9; widely reported by people running phone agents on Whisper). Only phrases
 * that a caller would not say as a whole turn in this product are here: a real "thank you" is kept.
 */
export const WHISPER_SILENCE_PHRASES: Readonly<Record<Lang, readonly string[]>> = {
  ja: [
    'ご視聴ありがとうございました',
    'ご視聴ありがとうございます',
    '視聴ありがとうございました',
    'ご清聴ありがとうございました',
    'チャンネル登録お願いします',
    'チャンネル登録よろしくお願いします',
    'チャンネル登録をお願いします',
    'チャンネル登録と高評価お願いします',
    'チャンネル登録と高評価をお願いします',
    '字幕視聴ありがとうございました',
  ],
  en: [
    'you',
    'thanks for watching',
    'thank you for watching',
    'thank you for watching this video',
    'please subscribe',
    'like and subscribe',
    'subscribe to my channel',
    'subtitles by the amara org community',
  ],
};

/** Lowercase NFKC text without punctuation or spaces: "Thanks for watching!" and "thanks for watching" match. */
export function silenceKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}]+/gu, '');
}

const KEYS: Readonly<Record<Lang, ReadonlySet<string>>> = {
  ja: new Set(WHISPER_SILENCE_PHRASES.ja.map(silenceKey)),
  en: new Set(WHISPER_SILENCE_PHRASES.en.map(silenceKey)),
};

/** True when the whole recogniser result is a known silence phrase of `lang` (the adapter drops it). */
export function isWhisperSilencePhrase(text: string, lang: Lang): boolean {
  const key = silenceKey(text);
  return key !== '' && KEYS[lang].has(key);
}
