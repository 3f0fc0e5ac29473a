import type { EmailToken, Sym } from '../tokens';
import { Lexicon } from '../segmenter';
import { JA_EMAIL_DIGIT_FORMS, JA_HINT_WORDS, JA_LETTER_FORMS, JA_NATO_WORDS } from './letters';

/** Symbols as said in Japanese (JSON "symbols"); てん is left out: attested only for decimal points. */
const JA_SYMBOL_FORMS: Readonly<Record<Sym, readonly string[]>> = {
  '@': ['アットマーク', 'アット', 'アットサイン', '単価記号', 'タンカキゴウ', '@マーク', '@'],
  '.': ['ドット', 'ピリオド', '.'],
  _: ['アンダーバー', 'アンダースコア', 'アンダーライン', '下線符号', '下線', 'カセン', '_'],
  '-': ['ハイフン', 'マイナス', 'ダッシュ', '-'],
  '+': ['プラス', '+'],
};

export interface JaDomainWord {
  forms: readonly string[];
  base: string;
  suffix: string;
}

/** Mail providers said as words, with the domain a bare mention means in Japan. */
export const JA_DOMAIN_WORDS: readonly JaDomainWord[] = [
  { forms: ['ジーメール', 'ジーメイル', 'gメール', 'gmail'], base: 'gmail', suffix: '.com' },
  { forms: ['ヤフー', 'ヤフーメール', 'ヤフージャパン', 'yahoo'], base: 'yahoo', suffix: '.co.jp' },
  { forms: ['ワイモバイル', 'ymobile'], base: 'ymobile', suffix: '.ne.jp' },
  { forms: ['アイクラウド', 'icloud'], base: 'icloud', suffix: '.com' },
  { forms: ['ドコモメール', 'ドコモ', 'docomo'], base: 'docomo', suffix: '.ne.jp' },
  { forms: ['イージーウェブ', 'イーゼットウェブ', 'ezweb'], base: 'ezweb', suffix: '.ne.jp' },
  { forms: ['アイドットソフトバンク', 'アイソフトバンク'], base: 'i.softbank', suffix: '.jp' },
  { forms: ['ソフトバンク', 'softbank'], base: 'softbank', suffix: '.ne.jp' },
  { forms: ['アウトルック', 'outlook'], base: 'outlook', suffix: '.jp' },
  { forms: ['ホットメール', 'hotmail'], base: 'hotmail', suffix: '.co.jp' },
  { forms: ['ニフティー', 'ニフティ', 'nifty'], base: 'nifty', suffix: '.com' },
  { forms: ['ビッグローブ', 'biglobe'], base: 'biglobe', suffix: '.ne.jp' },
  { forms: ['オーシーエヌ', 'ocn'], base: 'ocn', suffix: '.ne.jp' },
  { forms: ['ソネット', 'ソーネット', 'so-net'], base: 'so-net', suffix: '.ne.jp' },
  { forms: ['プララ', 'plala'], base: 'plala', suffix: '.or.jp' },
  { forms: ['ザック', 'ジェイコム'], base: 'zaq', suffix: '.ne.jp' },
  { forms: ['ラクメール', '楽メール'], base: 'rakumail', suffix: '.jp' },
  { forms: ['ユーキューモバイル'], base: 'uqmobile', suffix: '.jp' },
  // Well-known providers said as words (issue 9).
  { forms: ['エーオーエル', 'aol'], base: 'aol', suffix: '.com' },
  { forms: ['プロトンメール', 'protonmail'], base: 'protonmail', suffix: '.com' },
  { forms: ['プロトンドットミー', 'プロトン', 'proton'], base: 'proton.me', suffix: '' },
  { forms: ['ミードットコム'], base: 'me.com', suffix: '' },
  { forms: ['マックドットコム', 'マック'], base: 'mac', suffix: '.com' },
  { forms: ['ライブ', 'live'], base: 'live', suffix: '.jp' },
  { forms: ['エムエスエヌ', 'msn'], base: 'msn', suffix: '.com' },
  { forms: ['ジーエムエックス', 'gmx'], base: 'gmx', suffix: '.com' },
  { forms: ['ゾーホー', 'ゾーホ', 'ゾホ', 'zoho'], base: 'zoho', suffix: '.com' },
  { forms: ['メールドットコム'], base: 'mail.com', suffix: '' },
  { forms: ['エーユードットコム'], base: 'au.com', suffix: '' },
];

/** Top-level parts said as a unit; `text` is what the caller literally spelled (used in a local part). */
const JA_TLD_FORMS: ReadonlyArray<{ forms: readonly string[]; tld: string; text: string }> = [
  { forms: ['ドットコム'], tld: '.com', text: '.com' },
  { forms: ['コム'], tld: '.com', text: 'com' },
  { forms: ['ドットネット'], tld: '.net', text: '.net' },
  { forms: ['ネット'], tld: '.net', text: 'net' },
  { forms: ['ドットオーグ', 'ドットオルグ'], tld: '.org', text: '.org' },
  { forms: ['ドットジェーピー', 'ドットジェイピー'], tld: '.jp', text: '.jp' },
  { forms: ['ジェーピー', 'ジェイピー'], tld: '.jp', text: 'jp' },
  ...(
    [
      ['co', 'シーオー'],
      ['ne', 'エヌイー'],
      ['or', 'オーアール'],
      ['ac', 'エーシー'],
      ['go', 'ジーオー'],
      ['ed', 'イーディー'],
    ] as const
  ).flatMap(([second, kana]) => [
    { forms: [`ドット${kana}ドットジェーピー`, `ドット${kana}ドットジェイピー`], tld: `.${second}.jp`, text: `.${second}.jp` },
    { forms: [`ドット${kana}ジェーピー`, `ドット${kana}ジェイピー`], tld: `.${second}.jp`, text: `.${second}jp` },
    { forms: [`${kana}ドットジェーピー`, `${kana}ドットジェイピー`], tld: `.${second}.jp`, text: `${second}.jp` },
    { forms: [`${kana}ジェーピー`, `${kana}ジェイピー`], tld: `.${second}.jp`, text: `${second}jp` },
  ]),
];

/** Hesitations and politeness. えー alone is NOT here: see the filler rule in ja/email-tokens.ts. */
export const JA_FILLERS: readonly string[] = [
  'エーット',
  'エット',
  'エート',
  'エエト',
  'エト',
  'エエ',
  'イヤー',
  'アノー',
  'アノ',
  'ソノー',
  'ウーン',
  'ウン',
  'ンー',
  'アー',
  'マア',
  'ハイ',
  'デス',
  'デスネ',
  'デシタ',
  'ダヨ',
  'ダ',
  'ネ',
  'ヨ',
  'ハ',
  'ガ',
  'ト',
  'デ',
  'ニナリマス',
  'オネガイシマス',
  'ヨロシクオネガイシマス',
  'ヨロシク',
  'イジョウ',
  '以上',
  'イジョウデス',
  'メールアドレス',
  'アドレス',
  'メアド',
  'イキマス',
  'イイマス',
  '言います',
  'ツヅケテ',
  '続けて',
  'ツギ',
  '次',
  'サイゴ',
  '最後',
  'ゼンブ',
  '全部',
  'カラ',
  'マデ',
  'コレカ',
  'エット',
];

const JA_FIX_WORDS: readonly string[] = [
  'ジャナクテ',
  'ジャナク',
  'デハナクテ',
  'デハナク',
  'ジャアリマセン',
  'デハアリマセン',
  'ジャナイ',
  'イヤ',
  'イイエ',
  'チガイマス',
  'チガウ',
  '違います',
  '違う',
  'マチガエマシタ',
  '間違えました',
  'テイセイ',
  '訂正',
  // Turns are matched after hiragana → katakana folding, so kanji+okurigana forms must be folded too.
  '違イマス',
  '違ウ',
  '違イマシタ',
  '間違エマシタ',
  '間違エタ',
  '間違イ',
  'マチガイ',
  'ゴメンナサイ',
  'ゴメン',
  'スミマセン',
  'スイマセン',
];

/**
 * Kanji a recogniser writes for a letter name said alone (愛 for アイ = I, 円 for エン = N, 王 for オー = O;
 * issue 9). Built from the readings in data/ja_letters.json: a kanji whose reading is a letter form.
 * 絵/江 (え) stand for E because callers' イー is often cut short to え in fast spelling.
 */
export const JA_KANJI_LETTERS: Readonly<Record<string, readonly string[]>> = {
  a: ['英'],
  e: ['絵', '江', '胃', '井'],
  i: ['愛', '藍', '哀', '相'],
  n: ['円', '縁', '園'],
  o: ['王', '尾', '欧'],
  u: ['優', '友', '有', '悠', '夕'],
};

const JA_CASE_WORDS: readonly string[] = ['大文字', 'オオモジ', '小文字', 'コモジ', '全部小文字', 'ゼンブコモジ', 'キャピタル', 'スモール'];

function build(): Lexicon<EmailToken> {
  const lex = new Lexicon<EmailToken>();
  // Order matters only for identical surface forms: the first registration wins.
  for (const [letter, forms] of Object.entries(JA_LETTER_FORMS)) lex.addAll(forms, { kind: 'lit', text: letter });
  for (const [digit, forms] of Object.entries(JA_EMAIL_DIGIT_FORMS)) lex.addAll(forms, { kind: 'lit', text: digit });
  for (const [sym, forms] of Object.entries(JA_SYMBOL_FORMS)) lex.addAll(forms, { kind: 'sym', sym: sym as Sym });
  for (const word of JA_DOMAIN_WORDS) {
    lex.addAll(word.forms, { kind: 'domain', base: word.base, suffix: word.suffix, text: word.base });
  }
  for (const entry of JA_TLD_FORMS) lex.addAll(entry.forms, { kind: 'tld', tld: entry.tld, text: entry.text });
  for (const [letter, forms] of Object.entries(JA_NATO_WORDS)) lex.addAll(forms, { kind: 'lit', text: letter });
  for (const [letter, forms] of Object.entries(JA_KANJI_LETTERS)) lex.addAll(forms, { kind: 'lit', text: letter });
  lex.addAll(JA_HINT_WORDS, { kind: 'hint' });
  lex.addAll(JA_CASE_WORDS, { kind: 'hint' });
  lex.addAll(['ノ'], { kind: 'of' });
  lex.addAll(JA_FIX_WORDS, { kind: 'fix' });
  lex.addAll(JA_FILLERS, { kind: 'filler' });
  // Latin typed by the recogniser: single letters and digits are spelled characters.
  for (let c = 0; c < 26; c++) lex.add(String.fromCharCode(97 + c), { kind: 'lit', text: String.fromCharCode(97 + c) });
  for (let d = 0; d < 10; d++) lex.add(String(d), { kind: 'lit', text: String(d) });
  return lex;
}

export const JA_EMAIL_LEXICON: Lexicon<EmailToken> = build();
