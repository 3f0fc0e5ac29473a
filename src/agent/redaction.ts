import { LANGS, type Lang } from '../domain/lang';
import { readDigits } from './understanding/digits';
import { readSpelledEmail } from './understanding/email';

export const DIGITS_TRANSCRIPT_PLACEHOLDER = '[digits redacted]';
/** Same text as the email step's own placeholder, so a transcript reads alike whichever rule fired. */
export const SPELLING_TRANSCRIPT_PLACEHOLDER = '[email spelling redacted]';

/** A run this long could be (part of) a code; shorter numbers ("one moment", "第2") are harmless. */
const MIN_SUSPECT_DIGITS = 4;
/** Three spelled characters are already part of an address ("m a t"); "I … a" in chatter reads as two at most. */
const MIN_SPELLED_CHARS = 3;
const WRITTEN_EMAIL = /[^\s@、。,]+@[^\s@、。,]+\.[^\s@、。,]+/u;
/**
 * An address said with words for "@" and "." ("matty at gmail dot com", "matty(at)gmail(dot)com", 「アット … ドット」):
 * what a recogniser writes when a caller says their address instead of spelling it. Needs both an "at" and a
 * later "dot" between words, so "I'm at home" is kept.
 */
const SPOKEN_EMAIL =
  /[\p{L}\p{N}]\s*(?:\(at\)|\[at\]|\bat\b|アット|あっと)\s*[\p{L}\p{N}][^。.!?]{0,40}?(?:\(dot\)|\[dot\]|\bdot\b|ドット|どっと)\s*[\p{L}\p{N}]/iu;
/** Decimal digits of any script (٤, ४, ৪ …): the readers know ASCII, full-width and kanji only, so others count as digits here. */
const ANY_SCRIPT_DIGIT = /\p{Nd}/gu;

/**
 * Spelled letters in any language: the Japanese reader sees only the text's kana (it would take Latin
 * words for letters), the English one the whole text. An address is "spelled" once its local part has
 * three characters, or a local part and a dotted domain appear around an "at".
 */
function spellsAddress(text: string): boolean {
  const readings = [readSpelledEmail([text.replace(/[A-Za-z]+/g, ' ')], 'ja'), readSpelledEmail([text], 'en')];
  return readings.some(({ partial }) => {
    const at = partial.indexOf('@');
    const local = at < 0 ? partial : partial.slice(0, at);
    const domain = at < 0 ? '' : partial.slice(at + 1);
    return local.replace(/[^a-z0-9]/g, '').length >= MIN_SPELLED_CHARS || (local !== '' && domain.includes('.'));
  });
}

/**
 * Redaction for caller speech, wherever it is written (issue 7, finding 7: redact at the sinks, not per code
 * path). Every language's readers run on every turn whatever the call's language, because a caller may
 * read a code in kanji on an English call or spell an address inside a "wait" at any step:
 * - four or more digits in any reading (1267, 一二六七, いちにろくなな, "one two six seven", a phone
 *   number) → the whole turn becomes `[digits redacted]`;
 * - a written address or three or more spelled letters (エム、エー、ティ; "m a t"; "tom at gmail dot com")
 *   → `[email spelling redacted]`;
 * - otherwise the text is kept, with any single digits masked as `#`.
 * Placeholders pass through unchanged, so the engine and the transcript store can both apply it.
 * `lang` is the call's language; it no longer narrows the readers and is kept for the call sites.
 */
export function redactCallerText(text: string, _lang?: Lang): string {
  const digitsAsAscii = text.replace(ANY_SCRIPT_DIGIT, (d) => (/[0-9０-９]/.test(d) ? d : '0'));
  if (LANGS.some((l) => readDigits([digitsAsAscii], l).digits.length >= MIN_SUSPECT_DIGITS)) return DIGITS_TRANSCRIPT_PLACEHOLDER;
  const nfkc = text.normalize('NFKC');
  if (WRITTEN_EMAIL.test(nfkc) || SPOKEN_EMAIL.test(nfkc) || spellsAddress(text)) return SPELLING_TRANSCRIPT_PLACEHOLDER;
  return text.replace(ANY_SCRIPT_DIGIT, '#');
}
