/**
 * The tokens the email parsers produce from one turn. Japanese and English tokenisers differ,
 * the assembly into an address (email-assembly.ts) is shared.
 */
export type Sym = '@' | '.' | '_' | '-' | '+';

export type EmailToken =
  /** One or more literal characters: a letter, a digit, or trusted recogniser text such as "matty". */
  | { kind: 'lit'; text: string }
  | { kind: 'sym'; sym: Sym }
  /** A mail provider said as a word; `suffix` is used when nothing follows (ヤフー → yahoo.co.jp). */
  | { kind: 'domain'; base: string; suffix: string; text: string }
  /** A top-level part said as a unit (ドットコム, シーオージェーピー); `text` is what was literally spelled. */
  | { kind: 'tld'; tld: string; text: string }
  /** A word that hints at a letter (アップル in アップルのエー) or a case word (大文字): dropped before の. */
  | { kind: 'hint' }
  /** の in "アップルのエー": the word before it was only a hint. */
  | { kind: 'of' }
  /** A correction (じゃなくて, いや, "no", "I mean"): the previous item is withdrawn. */
  | { kind: 'fix' }
  /** "not", "as in": the next item is not part of the address. */
  | { kind: 'skip' }
  | { kind: 'filler' }
  /** A stretch of speech we cannot spell (a company name said as a word, or chatter). */
  | { kind: 'unknown'; word: string };

export type DigitToken =
  | { kind: 'digit'; digit: string }
  /** 十/百/千/万 and their readings: the stretch is a number said as a value, not digit by digit. */
  | { kind: 'mult'; factor: number }
  | { kind: 'filler' }
  | { kind: 'unknown'; word: string };
