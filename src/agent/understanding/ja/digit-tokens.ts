import type { DigitToken } from '../tokens';
import { normalizeUtterance } from '../normalize';
import { Lexicon, segment, type Piece } from '../segmenter';

/** Digit readings for codes (SPELLING.md §5): kana, kanji and katakana English; 0 as ゼロ/れい/まる/オー. */
const DIGIT_FORMS: Readonly<Record<string, readonly string[]>> = {
  '0': ['ゼロ', 'レイ', 'レー', 'マル', 'オー', '〇', '零', 'o'],
  '1': ['イチ', 'イッ', 'ワン', '一', '壱'],
  '2': ['ニ', 'ニー', 'ニイ', 'ツー', '二', '弐'],
  '3': ['サン', 'スリー', '三', '参'],
  '4': ['ヨン', 'シ', 'シー', 'フォー', '四'],
  '5': ['ゴ', 'ゴー', 'ゴオ', 'ファイブ', '五', '伍'],
  '6': ['ロク', 'ロッ', 'シックス', '六'],
  '7': ['ナナ', 'シチ', 'セブン', '七'],
  '8': ['ハチ', 'ハッ', 'エイト', '八'],
  '9': ['キュウ', 'キュー', 'ク', 'クー', 'ナイン', '九'],
};

const MULTIPLIERS: ReadonlyArray<[number, readonly string[]]> = [
  [10, ['ジュウ', 'ジュー', '十']],
  [100, ['ヒャク', 'ビャク', 'ピャク', '百']],
  [1000, ['セン', 'ゼン', '千']],
  [10000, ['マン', '万']],
];

const FILLERS = [
  'デス',
  'デスネ',
  'デシタ',
  'ダヨ',
  'ネ',
  'ヨ',
  'ノ',
  'ハイ',
  'エート',
  'エーット',
  'エット',
  'エー',
  'アノ',
  'アノー',
  'アー',
  'ウーン',
  'ウン',
  'ソウデス',
  'コード',
  'バンゴウ',
  '番号',
  'ハ',
  'ニナリマス',
  'イジョウ',
  '以上',
  'ツヅキ',
  'ツヅケテ',
  'ツギ',
  'ト',
  'デ',
  'カラ',
  'マデ',
  'ソレカラ',
];

function build(): Lexicon<DigitToken> {
  const lex = new Lexicon<DigitToken>();
  for (let d = 0; d <= 9; d++) lex.add(String(d), { kind: 'digit', digit: String(d) });
  for (const [digit, forms] of Object.entries(DIGIT_FORMS)) lex.addAll(forms, { kind: 'digit', digit });
  for (const [factor, forms] of MULTIPLIERS) lex.addAll(forms, { kind: 'mult', factor });
  lex.addAll(FILLERS, { kind: 'filler' });
  return lex;
}

const JA_DIGIT_LEXICON = build();

const SEPARATORS = /[、,。・\s!?「」()（）:;.-]+/;

/**
 * Japanese numbers said as a value (千二百六十七, せんにひゃくろくじゅうなな) → their decimal digits.
 * Two plain digits in a row cannot belong to one value, so they start a new number.
 */
function valueDigits(stretch: readonly DigitToken[]): string {
  let out = '';
  let total = 0;
  let section = 0;
  let pending: number | null = null;
  let any = false;
  const flush = (): void => {
    if (any) out += String(total + section + (pending ?? 0));
    total = 0;
    section = 0;
    pending = null;
    any = false;
  };
  for (const tok of stretch) {
    if (tok.kind === 'digit') {
      if (pending !== null) flush();
      pending = Number(tok.digit);
      any = true;
    } else if (tok.kind === 'mult') {
      if (tok.factor === 10000) {
        total += (section + (pending ?? 0) || 1) * 10000;
        section = 0;
      } else {
        section += (pending ?? 1) * tok.factor;
      }
      pending = null;
      any = true;
    }
  }
  flush();
  return out;
}

/** A stretch of number words inside other speech counts only if it is long enough not to be chance. */
const MIN_DIGITS_NEXT_TO_UNKNOWN = 3;

function stretchDigits(pieces: ReadonlyArray<Piece<DigitToken>>): string {
  let out = '';
  const isNumeric = (p: Piece<DigitToken> | undefined): boolean =>
    p?.kind === 'known' && (p.value.kind === 'digit' || p.value.kind === 'mult');
  for (let i = 0; i < pieces.length;) {
    if (!isNumeric(pieces[i])) {
      i++;
      continue;
    }
    let j = i;
    while (j < pieces.length && isNumeric(pieces[j])) j++;
    const stretch = pieces.slice(i, j).map((p) => (p as Extract<Piece<DigitToken>, { kind: 'known' }>).value);
    const nearUnknown = pieces[i - 1]?.kind === 'unknown' || pieces[j]?.kind === 'unknown';
    const digitCount = stretch.filter((t) => t.kind === 'digit').length;
    // ござい(ます) hides ゴ, します hides シ: a lone reading glued to unknown text is not a digit.
    if (!nearUnknown || digitCount >= MIN_DIGITS_NEXT_TO_UNKNOWN) {
      out += stretch.some((t) => t.kind === 'mult')
        ? valueDigits(stretch)
        : stretch.map((t) => (t.kind === 'digit' ? t.digit : '')).join('');
    }
    i = j;
  }
  return out;
}

/** One Japanese turn → the digits it contains, in order. */
export function jaTurnDigits(raw: string): string {
  let out = '';
  for (const seg of normalizeUtterance(raw).split(SEPARATORS)) {
    if (seg !== '') out += stretchDigits(segment(seg, JA_DIGIT_LEXICON));
  }
  return out;
}
