/**
 * Japanese spoken forms of Latin letters and digits, in katakana (hiragana input is folded to katakana
 * before matching). Facts from docs/SPELLING.md and data/ja_letters.json; the first form of each
 * entry is the one we speak back.
 */

export const JA_LETTER_FORMS: Readonly<Record<string, readonly string[]>> = {
  a: ['エー', 'エイ', 'エィ'],
  b: ['ビー', 'ビィ', 'ビイ'],
  // シー is C in letter mode (4 is ヨン in practice); the digit reading is handled in digits.ts.
  c: ['シー', 'シィ', 'スィー'],
  d: ['ディー', 'ディ', 'デー', 'ディイ'],
  e: ['イー', 'イィ'],
  f: ['エフ'],
  // ジー is G; Z said as ジー by some younger speakers is a known, unresolvable collision.
  g: ['ジー', 'ジィ', 'ヂー'],
  h: ['エイチ', 'エッチ', 'エーチ', 'エチ'],
  i: ['アイ'],
  j: ['ジェー', 'ジェイ', 'ジェ', 'ゼー'],
  k: ['ケー', 'ケイ', 'ケィ'],
  l: ['エル'],
  m: ['エム'],
  n: ['エヌ', 'エン'],
  o: ['オー', 'オウ'],
  p: ['ピー', 'ピィ'],
  // キュー is Q in letter mode; the digit 9 is written きゅう/キュウ and stays a digit.
  q: ['キュー'],
  r: ['アール', 'アル'],
  s: ['エス'],
  t: ['ティー', 'ティ', 'テー', 'ティイ'],
  u: ['ユー', 'ユウ'],
  v: ['ブイ', 'ヴィー', 'ヴィ', 'ヴイ'],
  w: ['ダブリュー', 'ダブリュ', 'ダブル', 'ダブリュウ', 'ダブルユー'],
  x: ['エックス', 'エクス'],
  y: ['ワイ'],
  z: ['ゼット', 'ズィー', 'ゼッド', 'ゼッ'],
};

/** Digit readings usable inside an email (no single-kana ク/シ: too easily found inside other words). */
export const JA_EMAIL_DIGIT_FORMS: Readonly<Record<string, readonly string[]>> = {
  '0': ['ゼロ', 'レイ', 'レー', 'マル', '〇', '零'],
  '1': ['イチ', 'ワン', '一'],
  '2': ['ニー', 'ニ', 'ニイ', 'ツー', '二'],
  '3': ['サン', 'スリー', '三'],
  '4': ['ヨン', 'フォー', '四'],
  '5': ['ゴー', 'ゴ', 'ゴオ', 'ファイブ', '五'],
  '6': ['ロク', 'シックス', '六'],
  '7': ['ナナ', 'シチ', 'セブン', '七'],
  '8': ['ハチ', 'エイト', '八'],
  '9': ['キュウ', 'ナイン', 'クー', '九'],
};

/** NATO words in katakana: known from aviation and radio, rare but unambiguous. */
export const JA_NATO_WORDS: Readonly<Record<string, readonly string[]>> = {
  a: ['アルファ', 'アルファー'],
  b: ['ブラボー'],
  c: ['チャーリー'],
  d: ['デルタ'],
  e: ['エコー'],
  f: ['フォックストロット'],
  g: ['ゴルフ'],
  h: ['ホテル'],
  i: ['インディア'],
  j: ['ジュリエット'],
  k: ['キロ'],
  l: ['リマ'],
  m: ['マイク'],
  n: ['ノーベンバー', 'ノベンバー'],
  o: ['オスカー'],
  p: ['パパ'],
  q: ['ケベック'],
  r: ['ロメオ'],
  s: ['シエラ'],
  t: ['タンゴ'],
  u: ['ユニフォーム'],
  v: ['ビクター', 'ヴィクター'],
  w: ['ウィスキー', 'ウイスキー'],
  x: ['エックスレイ', 'エックスレー'],
  y: ['ヤンキー'],
  z: ['ズールー'],
};

/**
 * Words callers put before の to pin a letter down (アップルのエー, 東京のティー). They only ever
 * disambiguate: the letter after の is what counts, so these are recognised just to be dropped.
 */
export const JA_HINT_WORDS: readonly string[] = [
  'アップル', 'ボール', 'バナナ', 'ボーイ', 'コンピューター', 'コンピュータ', 'ダウンロード', 'エンド',
  'ジャパン', 'キング', 'ライン', 'アメリカ', 'ボストン', 'ブラジル', 'カナダ', 'デンマーク',
  'ダイヤモンド', 'エレベーター', 'フランス', 'ハワイ', 'イタリア', 'キョウト', '京都', 'ロンドン',
  'メキシコ', 'ニューヨーク', '大阪', 'オオサカ', 'パソコン', 'パスタ', 'クイーン', 'ロシア', 'スペイン',
  '東京', 'トウキョウ', 'トマト', 'バイオリン', 'ヴァイオリン', 'ワシントン', 'エックス線', 'X線', '横浜',
  'ヨコハマ', 'ゼブラ', 'ドッグ', 'キャット', 'エッグ', 'オレンジ', 'ピアノ', 'ローマ', 'サクラ', '桜',
];
