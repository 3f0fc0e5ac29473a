import type { Lang } from '../../domain/lang';
import { jaTurnDigits } from './ja/digit-tokens';
import { enTurnDigits } from './en/digit-words';
import { splitAtCorrections } from './corrections';

export interface DigitReading {
  digits: string;
  /** Exactly `length` digits were heard, with no unresolved formatting and no correction still to come. */
  complete: boolean;
  /**
   * A recogniser-formatted part (e.g. "5:06") whose reading the code length could not decide
   * (5,6 or 5,0,6): the caller should be asked again about this part. Absent when all is clear.
   */
  unclear?: string;
  /**
   * The last turn ended on a correction cue with no digit after it ("…sorry", 「違います」): the caller
   * is about to replace the last digit, so the digits are not final yet. Absent when false.
   */
  correctionPending?: true;
}

const TURN_DIGITS: Record<Lang, (turn: string) => string> = { ja: jaTurnDigits, en: enTurnDigits };

/**
 * Clock- or decimal-style formatting of spoken digits ("five six" or "five oh six" → "5:06" or "5.06").
 * The zero after the separator may be the recogniser's own padding, so both readings are candidates.
 */
const CLOCK = /(?<![0-9])(\d{1,2})[:.](0\d)(?![0-9])/;
const MAX_VARIANTS = 16;

/** A turn's text with each clock-formatted part read both ways; the literal reading comes first. */
function variantsOf(turn: string): Array<{ text: string; unclear?: string }> {
  const m = CLOCK.exec(turn);
  if (!m) return [{ text: turn }];
  const before = turn.slice(0, m.index);
  const after = turn.slice(m.index + m[0].length);
  const literal = `${before} ${m[1]}${m[2]} ${after}`;
  const padded = `${before} ${m[1]}${m[2]!.slice(1)} ${after}`;
  return [...variantsOf(literal), ...variantsOf(padded)].map((v) => ({ text: v.text, unclear: v.unclear ?? m[0] }));
}

/** Digits of all turns, each correction cue replacing the last digit said before it (across turns). */
function readWithCorrections(turns: readonly string[], lang: Lang): { digits: string; pendingFix: boolean } {
  const read = TURN_DIGITS[lang];
  let digits = '';
  let pendingFix = false;
  for (const turn of turns) {
    splitAtCorrections(turn, lang).forEach((part, i) => {
      if (i > 0) pendingFix = true;
      const heard = read(part);
      if (heard === '') return;
      if (pendingFix) digits = digits.slice(0, -1);
      pendingFix = false;
      digits += heard;
    });
  }
  return { digits, pendingFix };
}

/**
 * Reads a code said over several turns ("1,2,6,7" … "5,6,9,3です" → 12675693): Arabic, full-width,
 * kanji and kana digits, value readings (千二百六十七, "twelve sixty-seven"), keypad strings.
 * Fillers and politeness are ignored. Arabic digits are read the same way in both languages.
 * Self-corrections ("…nine sorry eight", 「違います、いち」) replace the last digit, also across turns.
 * A clock-formatted part ("5:06") is read as whichever of 5,0,6 / 5,6 gives `length` digits; when
 * neither or both do, `unclear` names it.
 */
export function readDigits(turns: readonly string[], lang: Lang, length = 8): DigitReading {
  let combos: Array<{ turns: string[]; unclear?: string }> = [{ turns: [] }];
  for (const turn of turns) {
    const next: typeof combos = [];
    for (const c of combos) {
      for (const v of variantsOf(turn)) {
        const unclear = c.unclear ?? v.unclear;
        next.push(unclear === undefined ? { turns: [...c.turns, v.text] } : { turns: [...c.turns, v.text], unclear });
      }
    }
    combos = next.slice(0, MAX_VARIANTS);
  }
  const readings = combos.map((c) => ({ ...readWithCorrections(c.turns, lang), unclear: c.unclear }));
  const literal = readings[0]!;
  // A trailing cue is in every variant alike (variants differ only in how a clock part is split).
  const pending: Pick<DigitReading, 'correctionPending'> = literal.pendingFix && literal.digits !== '' ? { correctionPending: true } : {};
  if (literal.unclear === undefined)
    return { digits: literal.digits, complete: literal.digits.length === length && !literal.pendingFix, ...pending };
  const fitting = [...new Set(readings.filter((r) => r.digits.length === length).map((r) => r.digits))];
  if (fitting.length === 1) return { digits: fitting[0]!, complete: !literal.pendingFix, ...pending };
  return { digits: literal.digits, complete: false, unclear: literal.unclear, ...pending };
}
