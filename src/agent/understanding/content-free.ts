import type { Lang } from '../../domain/lang';
import { normalizeUtterance } from './normalize';
import { WHISPER_SILENCE_PHRASES } from '../../speech/silence-phrases';

/**
 * Turns that carry no content. Whisper-family recognisers invent these in silence (they were trained on
 * subtitled video: "ご視聴ありがとうございました", "thanks for watching", a lone "you"), and callers
 * back-channel between letters (はい, うん, "uh-huh"). Compared on the normalised turn with
 * punctuation removed, so "Thank you." and "thank you" are one phrase.
 */
// The recogniser adapters drop the Whisper list already; other recognisers (and typed test input) may
// still pass them, and while spelling a few more sign-offs carry nothing either.
const SILENCE_PHRASES: Record<Lang, readonly string[]> = {
  ja: [...WHISPER_SILENCE_PHRASES.ja, 'おやすみなさい', 'ありがとうございました', 'お疲れ様でした'],
  en: [...WHISPER_SILENCE_PHRASES.en, 'thank you', 'thank you very much', 'thank you so much', 'thanks', 'bye', 'bye bye', 'goodbye'],
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

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Longest first, so ご視聴ありがとうございました goes whole rather than leaving ご視聴 behind. */
const alternation = (phrases: readonly string[]): string =>
  [...phrases]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');

/**
 * Silence phrases a recogniser appended to real speech ("ティー、ワイ。ご視聴ありがとうございました"):
 * only multi-word English phrases are removed, because a lone "you" inside a turn is the letter U.
 */
const EMBEDDED: Record<Lang, RegExp> = {
  ja: new RegExp(alternation(SILENCE_PHRASES.ja), 'g'),
  en: new RegExp(`\\b(?:${alternation(SILENCE_PHRASES.en.filter((p) => p.includes(' ')))})\\b[.!]?`, 'gi'),
};

/** The turn without silence phrases embedded in it (compared after NFKC); other text is untouched. */
export function stripSilencePhrases(text: string, lang: Lang): string {
  return text.normalize('NFKC').replace(EMBEDDED[lang], ' ').trim();
}
