import type { EmailToken, Sym } from '../tokens';
import { EN_DIGIT_WORDS, EN_LETTER_NAMES, EN_NATO_WORDS } from './letters';

/** What an English word or phrase (up to four words) means inside a spelled address. */
export type EnEntry = EmailToken | { kind: 'repeat'; times: number } | { kind: 'hint-marker' };

export interface EnDomainWord {
  forms: readonly string[];
  base: string;
  suffix: string;
}

export const EN_DOMAIN_WORDS: readonly EnDomainWord[] = [
  { forms: ['gmail', 'g mail', 'gee mail', 'g-mail'], base: 'gmail', suffix: '.com' },
  { forms: ['yahoo', 'yahoo mail'], base: 'yahoo', suffix: '.com' },
  { forms: ['hotmail', 'hot mail'], base: 'hotmail', suffix: '.com' },
  { forms: ['outlook'], base: 'outlook', suffix: '.com' },
  { forms: ['icloud', 'i cloud'], base: 'icloud', suffix: '.com' },
  { forms: ['protonmail', 'proton mail'], base: 'protonmail', suffix: '.com' },
  { forms: ['comcast'], base: 'comcast', suffix: '.net' },
  { forms: ['verizon'], base: 'verizon', suffix: '.net' },
  { forms: ['docomo'], base: 'docomo', suffix: '.ne.jp' },
];

const SYMBOLS: Readonly<Record<Sym, readonly string[]>> = {
  '@': ['at', 'at sign', 'at symbol', 'at mark', 'at the rate', 'at the rate of', 'at-sign'],
  '.': ['dot', 'period', 'point', 'full stop'],
  _: ['underscore', 'under score', 'underbar', 'under bar', 'low line'],
  '-': ['dash', 'hyphen', 'minus'],
  '+': ['plus', 'plus sign'],
};

const TLD_WORDS = ['com', 'net', 'org', 'edu', 'gov', 'io', 'uk', 'jp', 'info', 'biz'];

const FIX = ['no', 'nope', 'sorry', 'i mean', 'correction', 'scratch that', 'my mistake', "i'm sorry", 'wait no', 'no wait'];
const SKIP = ['not', 'as in', 'as', 'like in'];
const CASE = ['capital', 'uppercase', 'upper case', 'lowercase', 'lower case', 'small', 'big', 'caps', 'cap', 'all lowercase'];
const FILLERS = [
  'um', 'umm', 'uh', 'uhh', 'er', 'erm', 'ah', 'ahh', 'hmm', 'mm', 'okay', 'ok', 'so', 'well', 'yes', 'yeah', 'yep',
  'right', 'alright', 'the', 'my', 'email', 'e-mail', 'e mail', 'address', 'is', 'it', "it's", 'its', "that's", 'thats',
  'that', 'and', 'then', 'all', 'please', 'thanks', 'thank you', 'let me', 'spell', 'spelled', 'spelling', 'letters',
  'letter', "i'm", 'here', 'goes', 'ready', 'followed by', 'next', 'sure', 'hi', 'hello', 'this', 'by', 'with',
  'same', 'again', 'that is', 'it is', 'mine', 'of', 'number', 'digit', 'symbol', 'sign', 'mail',
];

function build(): Map<string, EnEntry> {
  const lex = new Map<string, EnEntry>();
  const add = (forms: readonly string[], entry: EnEntry): void => {
    for (const f of forms) if (!lex.has(f)) lex.set(f, entry);
  };
  for (const [letter, forms] of Object.entries(EN_LETTER_NAMES)) add(forms, { kind: 'lit', text: letter });
  EN_DIGIT_WORDS.forEach((w, d) => add([w], { kind: 'lit', text: String(d) }));
  for (const [sym, forms] of Object.entries(SYMBOLS)) add(forms, { kind: 'sym', sym: sym as Sym });
  for (const w of EN_DOMAIN_WORDS) add(w.forms, { kind: 'domain', base: w.base, suffix: w.suffix, text: w.base });
  for (const t of TLD_WORDS) {
    add([`dot ${t}`], { kind: 'tld', tld: `.${t}`, text: `.${t}` });
    add([t], { kind: 'tld', tld: `.${t}`, text: t });
  }
  for (const second of ['co', 'ne', 'or', 'ac']) {
    add([`dot ${second} dot jp`], { kind: 'tld', tld: `.${second}.jp`, text: `.${second}.jp` });
  }
  add(['dot co dot uk'], { kind: 'tld', tld: '.co.uk', text: '.co.uk' });
  for (const [letter, forms] of Object.entries(EN_NATO_WORDS)) add(forms, { kind: 'lit', text: letter });
  add(['double'], { kind: 'repeat', times: 2 });
  add(['triple'], { kind: 'repeat', times: 3 });
  add(['for', 'like'], { kind: 'hint-marker' });
  add(FIX, { kind: 'fix' });
  add(SKIP, { kind: 'skip' });
  add(CASE, { kind: 'hint' });
  add(FILLERS, { kind: 'filler' });
  return lex;
}

export const EN_EMAIL_LEXICON: ReadonlyMap<string, EnEntry> = build();
export const EN_MAX_PHRASE_WORDS = 4;

export const EN_BARE_DOMAINS: ReadonlyMap<string, string> = new Map([
  ...EN_DOMAIN_WORDS.map((w) => [w.base, w.suffix] as const),
  ['aol', '.com'],
  ['att', '.net'],
  ['me', '.com'],
  ['msn', '.com'],
]);
