/**
 * Longest-match / fewest-tokens segmentation of an unspaced string against a lexicon.
 *
 * Hand-rolled because callers run letter names together (エムエーティーティーワイ) and no npm
 * tokenizer knows spelled-letter readings; a trie + dynamic programme over a few dozen characters
 * costs microseconds. Characters no entry covers become `unknown` runs, priced so that covering
 * text always beats leaving it unexplained.
 */

interface TrieNode<T> {
  next: Map<string, TrieNode<T>>;
  value?: T;
}

export class Lexicon<T> {
  private readonly root: TrieNode<T> = { next: new Map() };

  /** Adds a surface form; the first value registered for a form wins, so order entries by priority. */
  add(form: string, value: T): this {
    let node = this.root;
    for (const ch of form) {
      let child = node.next.get(ch);
      if (!child) {
        child = { next: new Map() };
        node.next.set(ch, child);
      }
      node = child;
    }
    if (node.value === undefined) node.value = value;
    return this;
  }

  addAll(forms: readonly string[], value: T): this {
    for (const form of forms) this.add(form, value);
    return this;
  }

  /** Every entry that starts at `start`, as [endIndex, value]. Works on UTF-16 code units (kana/Latin are BMP). */
  matchesAt(text: string, start: number): Array<[number, T]> {
    const out: Array<[number, T]> = [];
    let node: TrieNode<T> | undefined = this.root;
    for (let i = start; i < text.length && node; i++) {
      node = node.next.get(text[i]!);
      if (node?.value !== undefined) out.push([i + 1, node.value]);
    }
    return out;
  }
}

export type Piece<T> = { kind: 'known'; value: T; surface: string } | { kind: 'unknown'; surface: string };

const UNKNOWN_CHAR_COST = 10;
const TOKEN_COST = 1;

/**
 * Splits `text` into lexicon entries and unknown runs, minimising unknown characters, then token count;
 * among equally cheap splits the earliest token is the longest (ジーメール・ドットコム, not
 * ジー・メールドットコム: callers name a provider before its top-level domain).
 */
export function segment<T>(text: string, lexicon: Lexicon<T>): Array<Piece<T>> {
  const n = text.length;
  // Solved from the end, so each position keeps its cheapest continuation and a tie goes to the longer match.
  const cost = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  const next = new Array<{ to: number; value: T | undefined }>(n + 1);
  cost[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    cost[i] = cost[i + 1]! + UNKNOWN_CHAR_COST;
    next[i] = { to: i + 1, value: undefined };
    for (const [end, value] of lexicon.matchesAt(text, i)) {
      // matchesAt lists shorter matches first: `<=` lets a longer one win a tie.
      if (cost[end]! + TOKEN_COST <= cost[i]!) {
        cost[i] = cost[end]! + TOKEN_COST;
        next[i] = { to: end, value };
      }
    }
  }
  const pieces: Array<Piece<T>> = [];
  for (let start = 0; start < n;) {
    const step = next[start]!;
    const surface = text.slice(start, step.to);
    if (step.value === undefined) {
      const prev = pieces[pieces.length - 1];
      // Glue adjacent unknown characters into one run.
      if (prev?.kind === 'unknown') prev.surface += surface;
      else pieces.push({ kind: 'unknown', surface });
    } else {
      pieces.push({ kind: 'known', value: step.value, surface });
    }
    start = step.to;
  }
  return pieces;
}
