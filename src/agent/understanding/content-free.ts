import type { Lang } from '../../domain/lang';
import { normalizeUtterance } from './normalize';

/**
 * Turns that carry no content. Whisper-family recognisers invent these in silence (they were trained on
 * subtitled video: "ご視聴ありがとうございました", "thanks for watching", a lone "you"), and callers
 * back-channel between letters (はい, うん, "uh-huh"). Compared on the normalised turn with
 * punctuation removed, so "Thank you." and "thank you" are one phrase.
 */
const SILENCE_PHRASES: Record<Lang, readonly string[]> = {
  ja: [
    'ご視聴ありがとうございました', 'ご視聴ありがとうございます', '視聴ありがとうございました',
    'チャンネル登録お願いします', 'チャンネル登録よろしくお願いします', 'チャンネル登録をお願いします',
    'チャンネル登録と高評価お願いします', 'チャンネル登録と高評価をお願いします', 'おやすみなさい',
    'ありがとうございました', 'お疲れ様でした', '字幕視聴ありがとうございました', 'ご清聴ありがとうございました',
  ],
  en: [
    'you', 'thank you', 'thank you very much', 'thank you so much', 'thanks', 'thanks for watching',
    'thank you for watching', 'thanks for watching!', 'please subscribe', 'like and subscribe',
    'subscribe to my channel', 'bye', 'bye bye', 'goodbye', 'subtitles by the amara.org community',
  ],
};

const BACKCHANNELS: Record<Lang, readonly string[]> = {
  ja: ['はい', 'はいはい', 'うん', 'うんうん', 'ええ', 'ああ', 'はーい', 'そうです', 'ん', 'んー'],
  en: ['uh huh', 'uh-huh', 'mm hmm', 'mm-hmm', 'mhm', 'mm', 'hmm', 'yeah', 'yes', 'yep', 'ok', 'okay', 'right', 'uh', 'um'],
};

/** Normalised form with punctuation and spaces removed, so the lists above match however they are written. */
function key(text: string): string {
  return normalizeUtterance(text).replace(/[\s、。,.!?！？・…「」"'-]+/g, '');
}

const SILENCE_KEYS: Record<Lang, ReadonlySet<string>> = {
  ja: new Set(SILENCE_PHRASES.ja.map(key)),
  en: new Set(SILENCE_PHRASES.en.map(key)),
};
const BACKCHANNEL_KEYS: Record<Lang, ReadonlySet<string>> = {
  ja: new Set(BACKCHANNELS.ja.map(key)),
  en: new Set(BACKCHANNELS.en.map(key)),
};

/** True when the whole turn is a phrase Whisper-family recognisers are known to invent in silence. */
export function isSilencePhrase(text: string, lang: Lang): boolean {
  const k = key(text);
  return k !== '' && SILENCE_KEYS[lang].has(k);
}

/** True when the whole turn is a back-channel (はい, うん, "uh-huh"): the caller is only keeping contact. */
export function isBackchannel(text: string, lang: Lang): boolean {
  const k = key(text);
  return k !== '' && BACKCHANNEL_KEYS[lang].has(k);
}

/** A turn with nothing to spell: a silence phrase, a back-channel, or nothing but punctuation. */
export function isContentFreeTurn(text: string, lang: Lang): boolean {
  return key(text) === '' || isSilencePhrase(text, lang) || isBackchannel(text, lang);
}
