import type { Lang } from '../../domain/lang';
import { normalizeUtterance } from './normalize';
import { EN_LEXICON } from './intent-lexicon-en';
import { JA_LEXICON } from './intent-lexicon-ja';
import {
  GLOBAL_INTENTS,
  SUSPICION_KINDS,
  type Cue,
  type GlobalIntent,
  type IntentLexicon,
  type SuspicionKind,
} from './intent-lexicon';

export { GLOBAL_INTENTS, SUSPICION_KINDS, type GlobalIntent, type SuspicionKind } from './intent-lexicon';

export type YesNo = 'yes' | 'no' | 'unknown';

export interface IntentReading {
  /** The first global intent that matched, or null when the text is content for the current step. */
  intent: GlobalIntent | null;
  /** Pressure tactics heard in the text: recorded, never obeyed. */
  suspicion: SuspicionKind[];
}

/**
 * Hand-rolled phrase matching: the phrase sets are small and closed, and a reply decision must stay far
 * under a millisecond; a classifier library would add weight without understanding Japanese phone talk better.
 */
type Matcher = (prepared: string) => boolean;

interface CompiledLexicon {
  intents: ReadonlyArray<readonly [GlobalIntent, Matcher]>;
  suspicion: ReadonlyArray<readonly [SuspicionKind, Matcher]>;
  yesDespiteNegation: Matcher;
  no: Matcher;
  yes: Matcher;
  done: Matcher;
}

/** Japanese: normalised, spaces and punctuation removed, so 「ちょっと、待って」 matches 「ちょっと待」. */
function prepareJa(text: string): string {
  return normalizeUtterance(text).replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** English: normalised, apostrophes dropped, words single-spaced with a space at both ends. */
function prepareEn(text: string): string {
  const words = normalizeUtterance(text)
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${words} `;
}

const PREPARE: Record<Lang, (text: string) => string> = { ja: prepareJa, en: prepareEn };

/** Hiragana → katakana for regex sources, so patterns can be written in ordinary kana like the phrases. */
function foldKana(source: string): string {
  return source
    .normalize('NFKC')
    .replace(/[\u3041-\u3096]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
}

function compileCues(cues: readonly Cue[], lang: Lang): Matcher {
  const phrases: string[] = [];
  const patterns: RegExp[] = [];
  for (const cue of cues) {
    if (typeof cue === 'string') {
      const prepared = PREPARE[lang](cue);
      // English phrases keep their surrounding spaces so "no" never matches inside "know".
      if (prepared.trim() !== '') phrases.push(prepared);
    } else {
      patterns.push(new RegExp(lang === 'ja' ? foldKana(cue.source) : cue.source, cue.flags));
    }
  }
  return (prepared) => phrases.some((p) => prepared.includes(p)) || patterns.some((r) => r.test(prepared));
}

function compile(lexicon: IntentLexicon, lang: Lang): CompiledLexicon {
  return {
    intents: GLOBAL_INTENTS.map((name) => [name, compileCues(lexicon.intents[name], lang)] as const),
    suspicion: SUSPICION_KINDS.map((name) => [name, compileCues(lexicon.suspicion[name], lang)] as const),
    yesDespiteNegation: compileCues(lexicon.yesDespiteNegation, lang),
    no: compileCues(lexicon.no, lang),
    yes: compileCues(lexicon.yes, lang),
    done: compileCues(lexicon.done, lang),
  };
}

export interface IntentReader {
  detectIntent(text: string, allowed?: ReadonlySet<GlobalIntent>): IntentReading;
  readYesNo(text: string): YesNo;
  /** "以上です" / "that's it": the caller thinks they finished spelling. */
  saysDone(text: string): boolean;
}

/**
 * Builds a reader for one call language. The caller's language is tried first; the other language is a
 * fallback because Japanese callers say "OK" or "AI" and English callers may say "はい".
 */
export function createIntentReader(lang: Lang): IntentReader {
  const other: Lang = lang === 'ja' ? 'en' : 'ja';
  const lexicons: Array<[Lang, CompiledLexicon]> = [
    [lang, compile(lang === 'ja' ? JA_LEXICON : EN_LEXICON, lang)],
    [other, compile(other === 'ja' ? JA_LEXICON : EN_LEXICON, other)],
  ];

  const prepared = (text: string): Array<[string, CompiledLexicon]> =>
    lexicons.map(([l, lex]) => [PREPARE[l](text), lex]);

  return {
    detectIntent(text, allowed) {
      const forms = prepared(text);
      let intent: GlobalIntent | null = null;
      for (const [form, lex] of forms) {
        for (const [name, matches] of lex.intents) {
          if (allowed && !allowed.has(name)) continue;
          if (matches(form)) {
            intent = name;
            break;
          }
        }
        if (intent) break;
      }
      const suspicion = new Set<SuspicionKind>();
      for (const [form, lex] of forms) {
        for (const [name, matches] of lex.suspicion) if (matches(form)) suspicion.add(name);
      }
      return { intent, suspicion: [...suspicion] };
    },
    readYesNo(text) {
      for (const [form, lex] of prepared(text)) {
        if (form.trim() === '') continue;
        if (lex.yesDespiteNegation(form)) return 'yes';
        if (lex.no(form)) return 'no';
        if (lex.yes(form)) return 'yes';
      }
      return 'unknown';
    },
    saysDone(text) {
      return prepared(text).some(([form, lex]) => lex.done(form));
    },
  };
}
