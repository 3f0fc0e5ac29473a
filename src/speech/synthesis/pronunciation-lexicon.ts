import { readFile } from 'node:fs/promises';
import { AizuchiError } from '../../domain/errors';
import { LANGS, type Lang } from '../../domain/lang';
import type { Synthesizer } from '../synthesizer';

/** One lexicon entry: how a written word (brand, product, acronym) is to be spoken. */
export interface Pronunciation {
  /** As it appears in prompts, e.g. `aizuchi`, `AWS`. Latin words match case-insensitively, as whole words. */
  readonly written: string;
  /** What the engine is given instead, in the engine's own language, e.g. `あいづち`. */
  readonly spoken: string;
}

/** Entries per language; each language's entries apply only to text spoken in that language. */
export type PronunciationLexicon = Readonly<Record<Lang, readonly Pronunciation[]>>;

export class PronunciationError extends AizuchiError {
  constructor(message: string) {
    super(message, { code: 'pronunciation' });
  }
}

/**
 * Built in: the product's own name. Open JTalk reads unknown Latin words letter by letter
 * (aizuchi → エーアイズィーユーシーエイチアイ); espeak-ng guesses "ay-zoo-kai".
 */
export const BUILT_IN_PRONUNCIATIONS: PronunciationLexicon = {
  ja: [{ written: 'aizuchi', spoken: 'あいづち' }],
  en: [{ written: 'aizuchi', spoken: 'eye zoo chee' }],
};

/**
 * Parses the deployer's list `word=reading,word=reading` (AIZUCHI_PRONUNCIATIONS_JA / _EN), e.g.
 * `aizuchi=あいづち,AWS=エーダブリューエス`. Blank items are skipped; throws PronunciationError on an
 * item without `=` or with an empty side.
 */
export function parsePronunciationList(value: string): Pronunciation[] {
  const entries: Pronunciation[] = [];
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    const at = item.indexOf('=');
    const written = at < 0 ? '' : item.slice(0, at).trim();
    const spoken = at < 0 ? '' : item.slice(at + 1).trim();
    if (written === '' || spoken === '') throw new PronunciationError('each entry must be word=reading');
    entries.push({ written, spoken });
  }
  return entries;
}

/**
 * Parses a lexicon file's JSON: `{"ja": {"aizuchi": "あいづち"}, "en": {"AWS": "A W S"}}`; both
 * languages optional. Throws PronunciationError on any other shape.
 */
export function parsePronunciationJson(json: string): Partial<Record<Lang, Pronunciation[]>> {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new PronunciationError('not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new PronunciationError('expected an object keyed by language');
  const out: Partial<Record<Lang, Pronunciation[]>> = {};
  for (const [lang, words] of Object.entries(data)) {
    if (!(LANGS as readonly string[]).includes(lang)) throw new PronunciationError(`unknown language ${JSON.stringify(lang)}`);
    if (typeof words !== 'object' || words === null || Array.isArray(words))
      throw new PronunciationError(`${lang}: expected an object of word: reading`);
    out[lang as Lang] = Object.entries(words).map(([written, spoken]) => {
      if (typeof spoken !== 'string' || written.trim() === '' || spoken.trim() === '')
        throw new PronunciationError(`${lang}: each entry must be "word": "reading"`);
      return { written: written.trim(), spoken: spoken.trim() };
    });
  }
  return out;
}

/**
 * The lexicon in force: built-in entries, then each extra source in order; a later entry for the
 * same written word (case-insensitively) replaces an earlier one, so a deployer can re-read aizuchi.
 */
export function mergePronunciations(...sources: ReadonlyArray<Partial<Record<Lang, readonly Pronunciation[]>>>): PronunciationLexicon {
  const merged = { ja: new Map<string, Pronunciation>(), en: new Map<string, Pronunciation>() };
  for (const source of [BUILT_IN_PRONUNCIATIONS, ...sources]) {
    for (const lang of LANGS) for (const entry of source[lang] ?? []) merged[lang].set(entry.written.toLowerCase(), entry);
  }
  return { ja: [...merged.ja.values()], en: [...merged.en.values()] };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Rewrites `text` for speaking: every written form becomes its reading, longest first so
 * "aizuchi cloud" can win over "aizuchi". Latin words match only as whole Latin words (so `AWS`
 * leaves `LAWS` alone, but `aizuchiの` matches) and ignore case; other scripts match as written.
 */
export function applyPronunciations(text: string, entries: readonly Pronunciation[]): string {
  if (entries.length === 0) return text;
  const sorted = [...entries].sort((a, b) => b.written.length - a.written.length);
  const alternatives = sorted.map((e) => {
    const word = escapeRegExp(e.written);
    return /^[\p{Script=Latin}\d]/u.test(e.written) ? `(?<![\\p{Script=Latin}\\d])${word}(?![\\p{Script=Latin}\\d])` : word;
  });
  const byWritten = new Map(sorted.map((e) => [e.written.toLowerCase(), e.spoken]));
  return text.replace(new RegExp(alternatives.join('|'), 'giu'), (match) => byWritten.get(match.toLowerCase()) ?? match);
}

/**
 * The lexicon for this deployment: built-in entries, then the JSON file, then the per-language lists
 * (AIZUCHI_PRONUNCIATIONS_FILE, _JA, _EN). Throws PronunciationError naming the variable at fault.
 */
export async function loadPronunciationLexicon(source: { ja?: string; en?: string; file?: string }): Promise<PronunciationLexicon> {
  const named = <T>(variable: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw new PronunciationError(`${variable}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  let fromFile: Partial<Record<Lang, Pronunciation[]>> = {};
  if (source.file) {
    const text = await readFile(source.file, 'utf8').catch(() => {
      throw new PronunciationError('AIZUCHI_PRONUNCIATIONS_FILE: cannot be read');
    });
    fromFile = named('AIZUCHI_PRONUNCIATIONS_FILE', () => parsePronunciationJson(text));
  }
  const fromLists = {
    ja: named('AIZUCHI_PRONUNCIATIONS_JA', () => parsePronunciationList(source.ja ?? '')),
    en: named('AIZUCHI_PRONUNCIATIONS_EN', () => parsePronunciationList(source.en ?? '')),
  };
  return mergePronunciations(fromFile, fromLists);
}

/** Wraps a synthesizer so each language's lexicon is applied to the text before synthesis. */
export function pronouncingSynthesizer(inner: Synthesizer, lexicon: PronunciationLexicon): Synthesizer {
  return {
    describe: (lang) => inner.describe(lang),
    synthesize: (text, opts) => inner.synthesize(applyPronunciations(text, lexicon[opts.lang]), opts),
  };
}
