import type { Lang } from '../../domain/lang';
import { jaTurnDigits } from './ja/digit-tokens';
import { enTurnDigits } from './en/digit-words';

export interface DigitReading {
  digits: string;
  /** Exactly `length` digits were heard. */
  complete: boolean;
}

const TURN_DIGITS: Record<Lang, (turn: string) => string> = { ja: jaTurnDigits, en: enTurnDigits };

/**
 * Reads a code said over several turns ("1,2,6,7" … "5,6,9,3です" → 12675693): Arabic, full-width,
 * kanji and kana digits, value readings (千二百六十七, "twelve sixty-seven"), keypad strings.
 * Fillers and politeness are ignored. Arabic digits are read the same way in both languages.
 */
export function readDigits(turns: readonly string[], lang: Lang, length = 8): DigitReading {
  const read = TURN_DIGITS[lang];
  const digits = turns.map(read).join('');
  return { digits, complete: digits.length === length };
}
