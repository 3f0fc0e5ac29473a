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
  // Well-known providers said as words (issue 9); the suffix is their usual ending.
  // Not "so net": "so" is a filler, and "…dot, so, net" must stay .net.
  { forms: ['aol', 'a o l'], base: 'aol', suffix: '.com' },
  { forms: ['proton dot me', 'proton', 'proton me'], base: 'proton.me', suffix: '' },
  { forms: ['me dot com'], base: 'me.com', suffix: '' },
  { forms: ['mac dot com', 'mac'], base: 'mac', suffix: '.com' },
  { forms: ['live'], base: 'live', suffix: '.com' },
  { forms: ['msn'], base: 'msn', suffix: '.com' },
  { forms: ['gmx'], base: 'gmx', suffix: '.com' },
  { forms: ['zoho', 'zoho mail'], base: 'zoho', suffix: '.com' },
  { forms: ['mail dot com'], base: 'mail.com', suffix: '' },
  { forms: ['ezweb', 'e z web'], base: 'ezweb', suffix: '.ne.jp' },
  { forms: ['au dot com'], base: 'au.com', suffix: '' },
  { forms: ['i dot softbank', 'i softbank'], base: 'i.softbank', suffix: '.jp' },
  { forms: ['softbank'], base: 'softbank', suffix: '.ne.jp' },
  { forms: ['nifty'], base: 'nifty', suffix: '.com' },
  { forms: ['biglobe', 'big globe'], base: 'biglobe', suffix: '.ne.jp' },
  { forms: ['so-net', 'sonet', 'so dash net'], base: 'so-net', suffix: '.ne.jp' },
  { forms: ['ocn'], base: 'ocn', suffix: '.ne.jp' },
  { forms: ['plala'], base: 'plala', suffix: '.or.jp' },
];

const SYMBOLS: Readonly<Record<Sym, readonly string[]>> = {
  '@': ['at', 'at sign', 'at symbol', 'at mark', 'at the rate', 'at the rate of', 'at-sign'],
  '.': ['dot', 'period', 'point', 'full stop'],
  _: ['underscore', 'under score', 'underbar', 'under bar', 'low line'],
  '-': ['dash', 'hyphen', 'minus'],
  '+': ['plus', 'plus sign'],
};

const TLD_WORDS = ['com', 'net', 'org', 'edu', 'gov', 'io', 'uk', 'jp', 'info', 'biz'];

const FIX = [
  'no',
  'nope',
  'sorry',
  'i mean',
  'correction',
  'scratch that',
  'my mistake',
  "i'm sorry",
  'wait no',
  'no wait',
  'actually',
  'oops',
  'my bad',
];
const SKIP = ['not', 'as in', 'as', 'like in'];
const CASE = ['capital', 'uppercase', 'upper case', 'lowercase', 'lower case', 'small', 'big', 'caps', 'cap', 'all lowercase'];
const FILLERS = [
  'um',
  'umm',
  'uh',
  'uhh',
  'er',
  'erm',
  'ah',
  'ahh',
  'hmm',
  'mm',
  'okay',
  'ok',
  'so',
  'well',
  'yes',
  'yeah',
  'yep',
  'right',
  'alright',
  'the',
  'my',
  'email',
  'e-mail',
  'e mail',
  'address',
  'is',
  'it',
  "it's",
  'its',
  "that's",
  'thats',
  'that',
  'and',
  'then',
  'all',
  'please',
  'thanks',
  'thank you',
  'let me',
  'spell',
  'spelled',
  'spelling',
  'letters',
  'letter',
  "i'm",
  'here',
  'goes',
  'ready',
  'followed by',
  'next',
  'sure',
  'hi',
  'hello',
  'this',
  'by',
  'with',
  'same',
  'again',
  'that is',
  'it is',
  'mine',
  'of',
  'number',
  'digit',
  'symbol',
  'sign',
  'mail',
  // Back-channels between letters.
  'uh-huh',
  'uh huh',
  'mm-hmm',
  'mm hmm',
  'mhm',
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
  // Country endings only after "dot": as bare words (me, us, de) they are too often ordinary speech.
  for (const t of ['me', 'de', 'us', 'ca', 'fr', 'au', 'co', 'ne']) add([`dot ${t}`], { kind: 'tld', tld: `.${t}`, text: `.${t}` });
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
