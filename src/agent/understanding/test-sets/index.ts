import type { Lang } from '../../../domain/lang';
import { readDigits } from '../digits';
import { readSpelledEmail } from '../email';
import { EN_CODES, EN_FORMATTED_CODES, JA_CODES } from './codes';
import { CONTENT_FREE_TURNS } from './content-free';
import { CODE_CORRECTIONS, EMAIL_CORRECTIONS } from './corrections';
import {
  EN_EMAIL_COMPLETE,
  EN_EMAIL_NOT_COMPLETE,
  EN_PROVIDER_WORDS,
  JA_EMAIL_COMPLETE,
  JA_EMAIL_NOT_COMPLETE,
  JA_LETTER_WORDS,
  JA_PROVIDER_WORDS,
  type EmailNotCompleteCase,
} from './email';

/** What a case wants: a whole address, an address not (yet) whole, or the digits of a code. */
export type ParserExpectation =
  | { reader: 'email'; email: string }
  | { reader: 'email'; email: null; status: 'incomplete' | 'spell_domain'; unknownDomain?: string }
  | { reader: 'digits'; digits: string };

export interface ParserCase {
  lang: Lang;
  turns: readonly string[];
  want: ParserExpectation;
}

export type ParserSetKind = 'email' | 'code' | 'correction' | 'content_free';

export interface ParserSet {
  kind: ParserSetKind;
  lang: Lang;
  cases: ParserCase[];
}

/**
 * Whether the parsers read a case right, by the same rule its test asserts: the address (complete) or
 * the status and unknown domain (not complete); the digits, complete exactly when there are 8.
 */
export function readsRight(c: ParserCase): boolean {
  if (c.want.reader === 'digits') {
    const r = readDigits(c.turns, c.lang);
    return r.digits === c.want.digits && r.complete === (c.want.digits.length === 8) && r.unclear === undefined;
  }
  const r = readSpelledEmail(c.turns, c.lang);
  if (c.want.email !== null) return r.status === 'complete' && r.email === c.want.email;
  return r.email === null && r.status === c.want.status && r.unknownDomain === c.want.unknownDomain;
}

const email = (lang: Lang, turns: readonly string[], address: string): ParserCase => ({
  lang,
  turns,
  want: { reader: 'email', email: address },
});
const digits = (lang: Lang, turns: readonly string[], code: string): ParserCase => ({
  lang,
  turns,
  want: { reader: 'digits', digits: code },
});
const notWhole = (lang: Lang, [, turns, status, unknownDomain]: EmailNotCompleteCase): ParserCase => ({
  lang,
  turns,
  want: { reader: 'email', email: null, status, ...(unknownDomain === undefined ? {} : { unknownDomain }) },
});

/**
 * The project's own parser test sets (the arrays the tests in ../*.test.ts iterate), grouped by kind
 * and language for `npm run bench`'s accuracy table. One source: a case added to a test is counted here.
 */
export function parserTestSets(): ParserSet[] {
  const byLang = <T extends readonly [readonly string[], Lang, string]>(rows: readonly T[], lang: Lang) =>
    rows.filter((r) => r[1] === lang);
  return [
    {
      kind: 'email',
      lang: 'ja',
      cases: [
        ...JA_EMAIL_COMPLETE.map(([, turns, want]) => email('ja', turns, want!)),
        ...JA_EMAIL_NOT_COMPLETE.map((c) => notWhole('ja', c)),
        ...JA_LETTER_WORDS.map(([turns, want]) => email('ja', turns, want)),
        ...JA_PROVIDER_WORDS.map(([domain, want]) => email('ja', ['エム', 'アットマーク', domain], want)),
      ],
    },
    {
      kind: 'email',
      lang: 'en',
      cases: [
        ...EN_EMAIL_COMPLETE.map(([, turns, want]) => email('en', turns, want!)),
        ...EN_EMAIL_NOT_COMPLETE.map((c) => notWhole('en', c)),
        ...EN_PROVIDER_WORDS.map(([turn, want]) => email('en', [turn], want)),
      ],
    },
    { kind: 'code', lang: 'ja', cases: JA_CODES.map(([, turns, want]) => digits('ja', turns, want)) },
    {
      kind: 'code',
      lang: 'en',
      cases: [
        ...EN_CODES.map(([, turns, want]) => digits('en', turns, want)),
        ...EN_FORMATTED_CODES.map(([turns, want]) => digits('en', turns, want)),
      ],
    },
    ...(['ja', 'en'] as const).map((lang) => ({
      kind: 'correction' as const,
      lang,
      cases: [
        ...byLang(CODE_CORRECTIONS, lang).map(([turns, , want]) => digits(lang, turns, want)),
        ...byLang(EMAIL_CORRECTIONS, lang).map(([turns, , want]) => email(lang, turns, want)),
      ],
    })),
    ...(['ja', 'en'] as const).map((lang) => ({
      kind: 'content_free' as const,
      lang,
      cases: byLang(CONTENT_FREE_TURNS, lang).map(([turns, , want]) => email(lang, turns, want)),
    })),
  ];
}
