import type { Lang } from '../../domain/lang';
import { normalizeUtterance } from './normalize';
import { EN_LEXICON } from './intent-lexicon-en';
import { JA_LEXICON } from './intent-lexicon-ja';
import { GLOBAL_INTENTS, SUSPICION_KINDS, type Cue, type GlobalIntent, type IntentLexicon, type SuspicionKind } from './intent-lexicon';

export { GLOBAL_INTENTS, SUSPICION_KINDS, type GlobalIntent, type SuspicionKind } from './intent-lexicon';

export type YesNo = 'yes' | 'no' | 'unknown';

/**
 * An answer to the right-party question: `self` is a first-person confirmation, `other` means someone
 * speaking for or about the customer (a third party, never a yes), `no` a denial.
 */
export type RightPartyAnswer = 'self' | 'other' | 'no' | 'unknown';

/** Heard in either language before any other intent: someone else on the line outranks what they ask for. */
const PERSON_INTENTS: readonly GlobalIntent[] = ['wrong_person', 'third_party'];

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
  selfConfirm: Matcher;
  otherPerson: Matcher;
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
  return source.normalize('NFKC').replace(/[\u3041-\u3096]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
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
    selfConfirm: compileCues(lexicon.selfConfirm, lang),
    otherPerson: compileCues(lexicon.otherPerson, lang),
  };
}

export interface IntentReader {
  detectIntent(text: string, allowed?: ReadonlySet<GlobalIntent>): IntentReading;
  readYesNo(text: string): YesNo;
  /**
   * The right-party check (issue 7, finding 6): third-party cues and third-person talk in either language
   * win over any yes; only a first-person answer (`selfConfirm`) is `self`. Permission words ("go ahead",
   * "どうぞ") are `unknown`, so the question is asked again.
   */
  readRightParty(text: string): RightPartyAnswer;
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

  const prepared = (text: string): Array<[string, CompiledLexicon]> => lexicons.map(([l, lex]) => [PREPARE[l](text), lex]);

  return {
    detectIntent(text, allowed) {
      const forms = prepared(text);
      let intent: GlobalIntent | null = null;
      // "I'm his assistant, he's in a meeting": the third party decides the ending, never the request.
      for (const name of PERSON_INTENTS) {
        if (allowed && !allowed.has(name)) continue;
        if (forms.some(([form, lex]) => lex.intents.find(([n]) => n === name)?.[1](form))) {
          intent = name;
          break;
        }
      }
      for (const [form, lex] of intent ? [] : forms) {
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
    readRightParty(text) {
      const forms = prepared(text).filter(([form]) => form.trim() !== '');
      const third = (lex: CompiledLexicon) => lex.intents.find(([n]) => n === 'third_party')?.[1];
      if (forms.some(([form, lex]) => third(lex)?.(form) || lex.otherPerson(form))) return 'other';
      for (const [form, lex] of forms) {
        // "間違いありません" confirms; "no problem" is no answer to "is this you?" (and not a denial either).
        if (lex.yesDespiteNegation(form)) {
          return lex.selfConfirm(form) ? 'self' : 'unknown';
        }
        if (lex.no(form)) return 'no';
        if (lex.selfConfirm(form)) return 'self';
      }
      return 'unknown';
    },
    saysDone(text) {
      return prepared(text).some(([form, lex]) => lex.done(form));
    },
  };
}
