import type { Lang } from '../../domain/lang';
import type { EmailToken } from './tokens';
import { assembleEmail } from './email-assembly';
import { JA_BARE_DOMAINS, tokenizeJaEmailTurn } from './ja/email-tokens';
import { JA_DOMAIN_WORDS } from './ja/email-lexicon';
import { JA_LETTER_FORMS } from './ja/letters';
import { tokenizeEnEmailTurn } from './en/email-tokens';
import { EN_BARE_DOMAINS, EN_DOMAIN_WORDS } from './en/email-lexicon';
import { EN_DIGIT_WORDS } from './en/letters';
import { isContentFreeTurn, stripSilencePhrases } from './content-free';

export type EmailStatus = 'complete' | 'incomplete' | 'spell_domain';

export interface EmailReading {
  /** Lowercased full address when status === 'complete', else null. */
  email: string | null;
  status: EmailStatus;
  /** What has been understood so far, e.g. "matty@" (for logic, never read back). */
  partial: string;
  /** The word we could not spell, when status === 'spell_domain'. */
  unknownDomain?: string;
}

interface LangRules {
  tokenize(turn: string): EmailToken[];
  bareDomains: ReadonlyMap<string, string>;
}

const RULES: Record<Lang, LangRules> = {
  ja: { tokenize: tokenizeJaEmailTurn, bareDomains: JA_BARE_DOMAINS },
  en: { tokenize: tokenizeEnEmailTurn, bareDomains: EN_BARE_DOMAINS },
};

/**
 * Reads an email address spelled over one or more recogniser turns ("えーっと、エム、エー、ティ、ティ、ワイ",
 * "アットマーク、ジーメールドットコムです" → matty@gmail.com). Pass every turn of the spelling so far.
 * A turn that is only a recogniser silence phrase or a back-channel ("you", ご視聴ありがとうございました,
 * "uh-huh", はい) is skipped: it is not a letter even when it sounds like one (issue 9).
 */
export function readSpelledEmail(turns: readonly string[], lang: Lang): EmailReading {
  const rules = RULES[lang];
  const result = assembleEmail(
    turns.filter((t) => !isContentFreeTurn(t, lang)).map((t) => rules.tokenize(stripSilencePhrases(t, lang))),
    rules.bareDomains,
  );
  const reading: EmailReading = { email: result.email, status: result.status, partial: result.partial };
  if (result.unknownDomain !== undefined) reading.unknownDomain = result.unknownDomain;
  return reading;
}

const JA_DIGITS = ['ゼロ', 'イチ', 'ニー', 'サン', 'ヨン', 'ゴー', 'ロク', 'ナナ', 'ハチ', 'キュウ'];
const JA_SYMBOLS: Readonly<Record<string, string>> = {
  '@': 'アットマーク',
  '.': 'ドット',
  _: 'アンダーバー',
  '-': 'ハイフン',
  '+': 'プラス',
};
const EN_SYMBOLS: Readonly<Record<string, string>> = { '@': 'at', '.': 'dot', _: 'underscore', '-': 'dash', '+': 'plus' };
const JA_LABEL_WORDS: Readonly<Record<string, string>> = { com: 'コム', net: 'ネット', jp: 'ジェーピー' };
const EN_LABEL_WORDS: ReadonlySet<string> = new Set(['com', 'net', 'org', 'edu', 'gov', 'io', 'uk', 'jp']);

function spellChars(text: string, lang: Lang): string[] {
  return [...text].map((ch) => {
    if (/[0-9]/.test(ch)) return lang === 'ja' ? JA_DIGITS[Number(ch)]! : EN_DIGIT_WORDS[Number(ch)]!;
    if (/[a-z]/.test(ch)) return lang === 'ja' ? JA_LETTER_FORMS[ch]![0]! : ch;
    return (lang === 'ja' ? JA_SYMBOLS : EN_SYMBOLS)[ch] ?? ch;
  });
}

function spellLabel(label: string, lang: Lang): string[] {
  if (lang === 'ja') {
    const word = JA_LABEL_WORDS[label];
    return word ? [word] : spellChars(label, lang);
  }
  return EN_LABEL_WORDS.has(label) ? [label] : spellChars(label, lang);
}

/**
 * The spoken tokens of an address, as a caller would say it: letters one by one, providers as words
 * (ja: ["エム", …, "アットマーク", "ジーメール", "ドット", "コム"]; en: ["m", …, "at", "gmail", "dot", "com"]).
 */
export function spellEmailForSpeech(email: string, lang: Lang): string[] {
  const address = email.toLowerCase();
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const domain = at < 0 ? '' : address.slice(at + 1);
  const out = spellChars(local, lang);
  if (at < 0) return out;
  out.push(lang === 'ja' ? JA_SYMBOLS['@']! : EN_SYMBOLS['@']!);
  const providers = lang === 'ja' ? JA_DOMAIN_WORDS : EN_DOMAIN_WORDS;
  const dot = lang === 'ja' ? JA_SYMBOLS['.']! : EN_SYMBOLS['.']!;
  // Longest provider base first, so i.softbank wins over softbank.
  const provider = [...providers]
    .sort((a, b) => b.base.length - a.base.length)
    .find((p) => domain === p.base || domain.startsWith(`${p.base}.`));
  let rest = domain;
  if (provider) {
    out.push(provider.forms[0]!);
    rest = domain.slice(provider.base.length + 1);
  }
  const labels = rest === '' ? [] : rest.split('.');
  labels.forEach((label, i) => {
    if (provider || i > 0) out.push(dot);
    out.push(...spellLabel(label, lang));
  });
  return out;
}
