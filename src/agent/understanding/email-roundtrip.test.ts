import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isContentFreeTurn } from './content-free';
import { readSpelledEmail, spellEmailForSpeech } from './email';
import { JA_EMAIL_DIGIT_FORMS, JA_LETTER_FORMS } from './ja/letters';
import { JA_DOMAIN_WORDS } from './ja/email-lexicon';
import { EN_LETTER_NAMES, EN_NATO_WORDS, EN_DIGIT_WORDS } from './en/letters';

type Gen = fc.GeneratorValue;

// A fixed seed keeps CI deterministic; FC_SEED / FC_RUNS explore further (FC_RUNS=20000 found the two cases pinned below).
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 400), seed: Number(process.env.FC_SEED ?? 20261201) };

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));
const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split(''));
const localChar = fc.oneof({ weight: 8, arbitrary: alnum }, { weight: 1, arbitrary: fc.constantFrom('.', '_', '-', '+') });
const localPart = fc.tuple(alnum, fc.array(localChar, { minLength: 0, maxLength: 10 })).map(([h, t]) => h + t.join(''));
const label = fc.tuple(letter, fc.array(alnum, { minLength: 1, maxLength: 7 })).map(([h, t]) => h + t.join(''));

const JA_KNOWN_DOMAINS = [
  'gmail.com',
  'yahoo.co.jp',
  'yahoo.ne.jp',
  'docomo.ne.jp',
  'icloud.com',
  'ezweb.ne.jp',
  'softbank.ne.jp',
  'i.softbank.jp',
  'outlook.jp',
  'outlook.com',
  'hotmail.co.jp',
  'nifty.com',
  'biglobe.ne.jp',
  'ocn.ne.jp',
  'so-net.ne.jp',
  'plala.or.jp',
  'au.com',
];
const EN_KNOWN_DOMAINS = ['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com', 'icloud.com', 'protonmail.com'];
const spelledDomain = fc
  .tuple(label, fc.constantFrom('com', 'net', 'org', 'jp', 'co.jp', 'ne.jp', 'or.jp'))
  .map(([l, tld]) => `${l}.${tld}`);

const address = (known: readonly string[]): fc.Arbitrary<string> =>
  fc.tuple(localPart, fc.oneof(fc.constantFrom(...known), spelledDomain)).map(([l, d]) => `${l}@${d}`);

function toHiragana(text: string): string {
  return text.replace(/[\u30a1-\u30f6]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0x60));
}
const toFullWidth = (text: string): string => text.replace(/[a-z0-9]/gi, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));

const JA_PRIMARY_TO_LETTER = new Map(Object.entries(JA_LETTER_FORMS).map(([l, forms]) => [forms[0]!, l]));
const JA_DIGIT_PRIMARY = ['ゼロ', 'イチ', 'ニー', 'サン', 'ヨン', 'ゴー', 'ロク', 'ナナ', 'ハチ', 'キュウ'];
const JA_SYMBOL_VARIANTS: Record<string, string[]> = {
  アットマーク: ['アットマーク', 'アット'],
  ドット: ['ドット', 'ピリオド'],
  アンダーバー: ['アンダーバー', 'アンダースコア'],
  ハイフン: ['ハイフン', 'マイナス'],
  プラス: ['プラス'],
};
const JA_HINTS: Record<string, string> = { a: 'アップル', t: 'トマト', p: 'パスタ', d: 'ダイヤモンド', m: 'メキシコ' };

/** Splits spoken tokens into 1–3 turns at random boundaries. */
function splitTurns<T>(g: Gen, tokens: readonly T[]): T[][] {
  const cuts = new Set(g(fc.array, fc.integer({ min: 1, max: Math.max(1, tokens.length - 1) }), { maxLength: 2 }));
  const turns: T[][] = [[]];
  tokens.forEach((t, i) => {
    if (cuts.has(i) && turns[turns.length - 1]!.length > 0) turns.push([]);
    turns[turns.length - 1]!.push(t);
  });
  return turns;
}

/** One way a Japanese caller (through some recogniser) could say `email`. */
function speakJa(g: Gen, email: string): string[] {
  const glued = g(fc.boolean);
  let tokens = spellEmailForSpeech(email, 'ja');
  const domainWord = JA_DOMAIN_WORDS.find((w) => tokens.includes(w.forms[0]!));
  // A bare provider word stands for its usual domain (ジーメール → gmail.com).
  if (domainWord && email.endsWith(`@${domainWord.base}${domainWord.suffix}`) && g(fc.boolean)) {
    tokens = tokens.slice(0, tokens.indexOf(domainWord.forms[0]!) + 1);
  }
  const spoken: Array<{ text: string; letter?: string }> = tokens.map((tok, i) => {
    const l = JA_PRIMARY_TO_LETTER.get(tok);
    if (l !== undefined) {
      const script = g(fc.constantFrom, 'kata', 'hira', 'latin', 'wide');
      if (script === 'latin') return { text: g(fc.boolean) ? l.toUpperCase() : l, letter: l };
      if (script === 'wide') return { text: toFullWidth(l.toUpperCase()), letter: l };
      const form = glued ? tok : g(fc.constantFrom, ...JA_LETTER_FORMS[l]!);
      const prev = JA_PRIMARY_TO_LETTER.get(tokens[i - 1] ?? '');
      // アップルのエー — but not right after the same letter, where "X、YのX" means one letter.
      const hint = !glued && JA_HINTS[l] !== undefined && prev !== l && g(fc.boolean) ? `${JA_HINTS[l]}の` : '';
      return { text: hint + (script === 'hira' ? toHiragana(form) : form), letter: l };
    }
    const d = JA_DIGIT_PRIMARY.indexOf(tok);
    if (d >= 0) {
      const form = glued ? tok : g(fc.constantFrom, ...JA_EMAIL_DIGIT_FORMS[String(d)]!);
      return { text: g(fc.boolean) ? toHiragana(form) : form };
    }
    const symbol = JA_SYMBOL_VARIANTS[tok];
    if (symbol) return { text: g(fc.constantFrom, ...symbol) };
    return { text: g(fc.boolean) ? toHiragana(tok) : tok };
  });
  return splitTurns(g, spoken).map((turn) => {
    // Rule: hiragana えー opening a turn is a hesitation, so a turn that starts with A says it in katakana.
    const first = turn[0]!;
    if (first.letter === 'a' && first.text === 'えー') turn[0] = { text: 'エー', letter: 'a' };
    const sep = glued ? '' : g(fc.constantFrom, '、', ' ', '・', ',');
    const lead = g(fc.constantFrom, '', 'えーっと、', 'あの、', 'はい、', 'えー、');
    const tail = g(fc.constantFrom, '', '', 'です', 'ですね');
    return lead + turn.map((t) => t.text).join(sep) + tail;
  });
}

const EN_DOUBLE_UNSAFE = new Set(['u']); // "double u" is W

/** One way an English caller could say `email`. */
function speakEn(g: Gen, email: string): string[] {
  const tokens = spellEmailForSpeech(email, 'en');
  const words: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (/^[a-z]$/.test(tok)) {
      if (tokens[i + 1] === tok && !EN_DOUBLE_UNSAFE.has(tok) && g(fc.boolean)) {
        words.push(`double ${tok}`);
        i++;
        continue;
      }
      const style = g(fc.constantFrom, 'plain', 'name', 'nato', 'as-in', 'upper');
      if (style === 'name') words.push(g(fc.constantFrom, ...EN_LETTER_NAMES[tok]!));
      else if (style === 'nato') words.push(EN_NATO_WORDS[tok]![0]!);
      else if (style === 'as-in') words.push(`${tok.toUpperCase()} as in ${EN_NATO_WORDS[tok]![0]!}`);
      else words.push(style === 'upper' ? tok.toUpperCase() : tok);
      continue;
    }
    const digit = EN_DIGIT_WORDS.indexOf(tok);
    if (digit >= 0) words.push(g(fc.boolean) ? String(digit) : tok);
    else if (tok === 'at') words.push(g(fc.constantFrom, 'at', 'at sign'));
    else if (tok === 'dot') words.push(g(fc.constantFrom, 'dot', 'period'));
    else if (tok === 'underscore') words.push(g(fc.constantFrom, 'underscore', 'under score'));
    else if (tok === 'dash') words.push(g(fc.constantFrom, 'dash', 'hyphen'));
    else words.push(tok);
  }
  const sep = g(fc.constantFrom, ' ', ', ');
  // By rule a turn that is only a silence phrase or back-channel ("you" alone is Whisper's classic) carries
  // nothing (content-free.ts); the caller's readback catches a real lone U. So a generated turn never is one.
  const turns = splitTurns(g, words).reduce<string[][]>((acc, turn) => {
    const last = acc[acc.length - 1];
    if (last && (isContentFreeTurn(last.join(' '), 'en') || isContentFreeTurn(turn.join(' '), 'en'))) last.push(...turn);
    else acc.push([...turn]);
    return acc;
  }, []);
  return turns.map((turn) => g(fc.constantFrom, '', 'um, ', 'okay so ', 'uh ') + turn.join(sep));
}

describe('spelled emails round-trip', () => {
  it('Japanese: any script, separators or none, 1–3 turns, fillers', () => {
    fc.assert(
      fc.property(address(JA_KNOWN_DOMAINS), fc.gen(), (email, g) => {
        const turns = speakJa(g, email);
        // Glued recogniser output where a spelled label ends in a .jp second level (…イーディードットジェーピー)
        // is ambiguous; it is read as the second level, pinned in 'reads glued second levels as …' below.
        fc.pre(!(/[a-z0-9](co|ne|or|ac|go|ed)\.jp$/.test(email) && !/[、 ・,]/.test(turns[turns.length - 1]!)));
        expect(readSpelledEmail(turns, 'ja')).toMatchObject({ email, status: 'complete' });
      }),
      RUNS,
    );
  });

  it('English: letter names, NATO, "as in", double letters, 1–3 turns', () => {
    fc.assert(
      fc.property(address(EN_KNOWN_DOMAINS), fc.gen(), (email, g) => {
        const turns = speakEn(g, email);
        expect(readSpelledEmail(turns, 'en')).toMatchObject({ email, status: 'complete' });
      }),
      RUNS,
    );
  });

  it('reads glued second levels as second levels, and separated letters as letters', () => {
    expect(readSpelledEmail(['エーエーエーアットマークエーエーエーエーイーディードットジェーピー'], 'ja').email).toBe('aaa@aaaa.ed.jp');
    expect(readSpelledEmail(['エー、エー、エー、アットマーク、エー、エー、イー、ディー、ドット、ジェーピー'], 'ja').email).toBe(
      'aaa@aaed.jp',
    );
    // ジェーピー with more domain after it is the letters j, p (found by the round trip: aaaaajp.com).
    expect(readSpelledEmail(['エーエーエーアットマークエーエージェーピードットコム'], 'ja').email).toBe('aaa@aajp.com');
  });

  it('speaks providers as words', () => {
    expect(spellEmailForSpeech('matty@gmail.com', 'ja')).toEqual([
      'エム',
      'エー',
      'ティー',
      'ティー',
      'ワイ',
      'アットマーク',
      'ジーメール',
      'ドット',
      'コム',
    ]);
    expect(spellEmailForSpeech('matty@gmail.com', 'en')).toEqual(['m', 'a', 't', 't', 'y', 'at', 'gmail', 'dot', 'com']);
  });

  it('an address cut short anywhere is never complete', () => {
    fc.assert(
      fc.property(address(JA_KNOWN_DOMAINS), (email) => {
        const tokens = spellEmailForSpeech(email, 'ja');
        const at = tokens.indexOf('アットマーク');
        // Everything up to and including アットマーク: the domain is still to come.
        expect(readSpelledEmail([tokens.slice(0, at + 1).join('、')], 'ja').email).toBeNull();
      }),
      { numRuns: 100 },
    );
  });
});
