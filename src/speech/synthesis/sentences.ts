/**
 * Splits a reply into pieces an engine can speak one at a time, so the first sentence plays while
 * the rest is still being synthesized. Hand-rolled: Intl.Segmenter's sentence mode does not split
 * at long Japanese commas and splits "e.g." style abbreviations differently per ICU version.
 */
export interface SentenceSplitOptions {
  /** Sentences longer than this are split further at commas (、，,). */
  readonly longSentenceChars?: number;
  /** No piece is ever longer than this (open_jtalk truncates long input lines). */
  readonly maxChars?: number;
}

const DEFAULT_LONG_SENTENCE_CHARS = 60;
const DEFAULT_MAX_CHARS = 250;

// 。！？ always end a sentence; . ! ? only before whitespace or the end (keeps 3.5 and a.b@c.jp whole).
const SENTENCE_END = /[。！？!?．]+[」』）)"']*|[.!?]+(?=\s|$)[」』）)"']*|\n+/gu;
const COMMA_END = /[、，]|,(?=\s)/gu;
const SPEAKABLE = /[\p{L}\p{N}]/u;

export function splitSentences(text: string, options: SentenceSplitOptions = {}): string[] {
  const longChars = options.longSentenceChars ?? DEFAULT_LONG_SENTENCE_CHARS;
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  const pieces: string[] = [];
  for (const sentence of cutAfter(text, SENTENCE_END)) {
    const parts = sentence.length > longChars ? packClauses(cutAfter(sentence, COMMA_END), longChars) : [sentence];
    for (const part of parts) pieces.push(...hardSplit(part, maxChars));
  }
  return mergeUnspeakable(pieces.map((p) => p.replace(/\s+/gu, ' ').trim()).filter((p) => p !== ''));
}

function cutAfter(text: string, pattern: RegExp): string[] {
  const out: string[] = [];
  let start = 0;
  for (const match of text.matchAll(pattern)) {
    const end = match.index + match[0].length;
    out.push(text.slice(start, end));
    start = end;
  }
  out.push(text.slice(start));
  return out.filter((s) => s.trim() !== '');
}

/** Greedily joins clauses back together up to `limit` chars, so short clauses don't become tiny pieces. */
function packClauses(clauses: string[], limit: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const clause of clauses) {
    if (current !== '' && current.length + clause.length > limit) {
      out.push(current);
      current = '';
    }
    current += clause;
  }
  if (current !== '') out.push(current);
  return out;
}

function hardSplit(piece: string, maxChars: number): string[] {
  const out: string[] = [];
  let rest = piece;
  while (rest.length > maxChars) {
    const space = rest.lastIndexOf(' ', maxChars);
    const cut = space > maxChars / 2 ? space : maxChars;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  out.push(rest);
  return out;
}

/** Pieces with nothing to say ("……", "」") ride along with the previous piece. */
function mergeUnspeakable(pieces: string[]): string[] {
  const out: string[] = [];
  for (const piece of pieces) {
    const last = out.length - 1;
    if (!SPEAKABLE.test(piece) && last >= 0) out[last] = `${out[last] ?? ''}${piece}`;
    else out.push(piece);
  }
  return out;
}
