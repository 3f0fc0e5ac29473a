import type { Lang } from '../../domain/lang';
import { normalizeUtterance } from './normalize';

/**
 * Self-correction cues callers use inside a code or an address (issue 9: 違います, 間違えました,
 * ごめんなさい, いや, "sorry", "no wait", "I mean", "actually"). Matched on the normalised text
 * (katakana, lowercase), so hiragana and katakana forms are one entry.
 */
const JA_CUES =
  /(?:間違エマシタ|間違エタ|マチガエマシタ|マチガエタ|間違イ|マチガイ|違イマス|違ウ|チガイマス|チガウ|ゴメンナサイ|ゴメン|スミマセン|スイマセン|失礼|シツレイ|ジャナクテ|デハナクテ|訂正|テイセイ|イヤ(?!ー))/g;
const EN_CUES = /\b(?:sorry|no wait|wait no|i mean|actually|correction|scratch that|my mistake|my bad|oops|no)\b/g;

/** The cue pattern for a language (global regex: use with split/replace only). */
export function correctionCues(lang: Lang): RegExp {
  return lang === 'ja' ? JA_CUES : EN_CUES;
}

/**
 * Splits a turn at its correction cues: `parts[0]` is what came before the first cue, every later part
 * follows one cue and replaces the last item said before it ("five six seven nine sorry eight" →
 * ["five six seven nine ", " eight"]). Input is normalised first.
 */
export function splitAtCorrections(turn: string, lang: Lang): string[] {
  return normalizeUtterance(turn).split(correctionCues(lang));
}
