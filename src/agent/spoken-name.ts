import type { CallContext } from './types';

// Names the synthesizers read right as written: kana for Open JTalk, Latin letters for espeak-ng.
const KANA = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s]+$/u;
const LATIN = /^[\p{Script=Latin}\p{M}\s'’.-]+$/u;

/**
 * The customer's name as this call may say it (issue 9): in Japanese its kana reading, in English its
 * Latin spelling; failing that, the name on record only when it is already written that way. Otherwise
 * null, and the agent says no name: Open JTalk guesses at kanji names and espeak-ng cannot read kanji
 * at all ("Chinese letter"). Only ever said after the right person confirmed (issue 7, finding 6).
 */
export function spokenName(call: CallContext): string | null {
  const pick = (reading: string | undefined, pattern: RegExp): string | null => {
    const given = reading?.trim();
    if (given) return given;
    const written = call.customerName?.trim();
    return written && pattern.test(written) ? written : null;
  };
  return call.lang === 'ja' ? pick(call.customerNameKana, KANA) : pick(call.customerNameLatin, LATIN);
}

/** Every way the callee may say their own name: as written, in kana, in Latin letters. */
export function nameForms(call: CallContext): string[] {
  return [call.customerName, call.customerNameKana, call.customerNameLatin].filter((n): n is string => !!n && n.trim() !== '');
}
