import type { Lang } from '../../domain/lang';
import { AizuchiError } from '../../domain/errors';

/**
 * Turns codes and email addresses into text an engine reads one character at a time, with pauses.
 * Engines would otherwise read "1267" as a number (せんにひゃく… / one thousand…) and an address
 * as words. Japanese readings follow docs/SPELLING.md (よん, なな, lengthened にー/ごー, ゼロ).
 */
export class SayAsError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { code: 'say_as', cause: options?.cause });
  }
}

const JA_DIGITS = ['ゼロ', 'イチ', 'ニー', 'サン', 'ヨン', 'ゴー', 'ロク', 'ナナ', 'ハチ', 'キュー'] as const;
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

// Primary katakana reading per letter (SPELLING.md §1, "Primary" column).
const JA_LETTERS: Record<string, string> = {
  a: 'エー',
  b: 'ビー',
  c: 'シー',
  d: 'ディー',
  e: 'イー',
  f: 'エフ',
  g: 'ジー',
  h: 'エイチ',
  i: 'アイ',
  j: 'ジェー',
  k: 'ケー',
  l: 'エル',
  m: 'エム',
  n: 'エヌ',
  o: 'オー',
  p: 'ピー',
  q: 'キュー',
  r: 'アール',
  s: 'エス',
  t: 'ティー',
  u: 'ユー',
  v: 'ブイ',
  w: 'ダブリュー',
  x: 'エックス',
  y: 'ワイ',
  z: 'ゼット',
};

const SYMBOLS: Record<Lang, Record<string, string>> = {
  ja: { '@': 'アットマーク', '.': 'ドット', _: 'アンダーバー', '-': 'ハイフン', '+': 'プラス' },
  en: { '@': 'at', '.': 'dot', _: 'underscore', '-': 'dash', '+': 'plus' },
};

// Domain labels people say as a word rather than spell (SPELLING.md §4); everything else is spelled.
const DOMAIN_WORDS: Record<Lang, Record<string, string>> = {
  ja: {
    gmail: 'ジーメール',
    yahoo: 'ヤフー',
    icloud: 'アイクラウド',
    docomo: 'ドコモ',
    outlook: 'アウトルック',
    hotmail: 'ホットメール',
    softbank: 'ソフトバンク',
    biglobe: 'ビッグローブ',
    nifty: 'ニフティ',
    com: 'コム',
  },
  en: { gmail: 'gmail', yahoo: 'yahoo', icloud: 'i cloud', outlook: 'outlook', hotmail: 'hotmail', com: 'com', net: 'net', org: 'org' },
};

// 、 is a short pause for open_jtalk; 。 (a sentence break) a longer one between groups.
const PAUSE: Record<Lang, { short: string; long: string }> = {
  ja: { short: '、', long: '。' },
  en: { short: ', ', long: '. ' },
};

export interface SayDigitsOptions {
  /** Digits per spoken group when the input has no separators of its own; 0 = no grouping. Default 4. */
  readonly groupSize?: number;
}

/** "0901234" → "ゼロ、キュー、ゼロ、イチ。ニー、サン、ヨン" / "zero, nine, zero, one. two, three, four". */
export function sayDigits(digits: string, lang: Lang, options: SayDigitsOptions = {}): string {
  const normalized = digits.normalize('NFKC').trim();
  if (!/^[0-9][0-9\s\-()]*$/u.test(normalized) || !/[0-9]/u.test(normalized)) {
    throw new SayAsError('sayDigits expects digits, optionally grouped with spaces, hyphens or parentheses');
  }
  const explicitGroups = normalized.split(/[\s\-()]+/u).filter((g) => g !== '');
  const groupSize = options.groupSize ?? 4;
  const groups = explicitGroups.length > 1 || groupSize <= 0 ? explicitGroups : chunk(explicitGroups[0] ?? '', groupSize);
  const names = lang === 'ja' ? JA_DIGITS : EN_DIGITS;
  const pause = PAUSE[lang];
  return groups
    .map((group) => [...group].map((d) => names[Number(d)]).join(pause.short))
    .join(pause.long)
    .trim();
}

export interface SayEmailOptions {
  /** Spell every domain label, even well-known ones like gmail and com. Default false. */
  readonly spellDomain?: boolean;
}

/** "m.a@gmail.com" → "エム、ドット、エー、アットマーク、ジーメール、ドット、コム". */
export function sayEmail(email: string, lang: Lang, options: SayEmailOptions = {}): string {
  const normalized = email.normalize('NFKC').trim().toLowerCase();
  const match = /^([a-z0-9._+-]+)@([a-z0-9-]+(?:\.[a-z0-9-]+)+)$/u.exec(normalized);
  if (!match?.[1] || !match[2]) {
    throw new SayAsError('sayEmail expects an address like name@example.com (ASCII letters, digits, . _ + -)');
  }
  const [, local, domain] = match;
  const tokens = [...spell(local, lang), SYMBOLS[lang]['@'] ?? '@'];
  domain.split('.').forEach((label, index) => {
    if (index > 0) tokens.push(SYMBOLS[lang]['.'] ?? '.');
    const word = options.spellDomain ? undefined : DOMAIN_WORDS[lang][label];
    tokens.push(...(word ? [word] : spell(label, lang)));
  });
  return tokens.join(PAUSE[lang].short).trim();
}

function spell(text: string, lang: Lang): string[] {
  return [...text].map((char) => {
    if (/[0-9]/u.test(char)) return (lang === 'ja' ? JA_DIGITS : EN_DIGITS)[Number(char)] ?? char;
    const symbol = SYMBOLS[lang][char];
    if (symbol) return symbol;
    // English engines read a lone capital as its letter name; lower-case "a" would be the article.
    return lang === 'ja' ? (JA_LETTERS[char] ?? char) : char.toUpperCase();
  });
}

function chunk(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
