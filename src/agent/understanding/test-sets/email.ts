/** Recogniser output for spelled addresses (issue 9): read by the parser tests and by `npm run bench`. */

export type EmailNotCompleteCase = [name: string, turns: string[], status: 'incomplete' | 'spell_domain', unknown?: string];

/** Real-looking recogniser output (several turns per case) and the address a human agent would write down. */
export type EmailCase = [name: string, turns: string[], expected: string | null];

export const JA_EMAIL_COMPLETE: EmailCase[] = [
  ['the story, two turns', ['えーっと、エム、エー、ティ、ティ、ワイ', 'アットマーク、ジーメールドットコムです'], 'matty@gmail.com'],
  ['no separators at all', ['エムエーティーティーワイアットマークジーメールドットコム'], 'matty@gmail.com'],
  ['hiragana recogniser', ['えむ、えー、てぃー、てぃー、わい', 'あっとまーく、じーめーる'], 'matty@gmail.com'],
  ['Latin letters between Japanese', ['M、A、T、T、Y、アットマーク、Gmail'], 'matty@gmail.com'],
  ['full-width Latin', ['Ｍ、Ａ、Ｔ、Ｔ、Ｙ＠ｇｍａｉｌ．ｃｏｍ'], 'matty@gmail.com'],
  ['half-width katakana', ['ｴﾑ ｴｰ ﾃｨｰ ﾃｨｰ ﾜｲ ｱｯﾄﾏｰｸ ｼﾞｰﾒｰﾙ'], 'matty@gmail.com'],
  ['W as ダブル, Yahoo bare', ['ダブル、エー、ケー、エー', 'アットマーク、ヤフー'], 'waka@yahoo.co.jp'],
  ['ヴィー and エイ variants', ['ヴィー、エイ、エヌ、アットマーク、アイクラウド'], 'van@icloud.com'],
  ['Z as ズィー, @ as アット', ['ズィー、イー、エヌ、アット、ジーメール'], 'zen@gmail.com'],
  ['アップルのエー style', ['アップルのエー、ボーイのビー、シー', 'アットマーク、ジーメール'], 'abc@gmail.com'],
  ['X、YのX names one letter', ['ティー、東京のティー、エー', 'アットマーク、ドコモ'], 'ta@docomo.ne.jp'],
  ['XはYのX names one letter', ['エーはアップルのエー、ビー', 'アットマーク、ドコモ'], 'ab@docomo.ne.jp'],
  ['NATO words', ['マイク、アルファ、タンゴ、タンゴ、ヤンキー、アットマーク、ジーメール'], 'matty@gmail.com'],
  ['digits in kana', ['ケー、エー、ゼット、ユー、イチ、キュウ、ハチ、ゴー', 'アット、ドコモ'], 'kazu1985@docomo.ne.jp'],
  [
    'underscore, hyphen, plus, dot',
    ['エー、アンダーバー、ビー、ハイフン、シー、プラス、ディー、ドット、イー', 'アットマーク、ジーメール'],
    'a_b-c+d.e@gmail.com',
  ],
  ['double dot kept (old docomo)', ['エー、ドット、ドット、ビー、ドット', 'アットマーク、ドコモ'], 'a..b.@docomo.ne.jp'],
  ['yahoo co.jp read out with dots', ['ワイ、ケー、アットマーク、ヤフードットシーオードットジェーピー'], 'yk@yahoo.co.jp'],
  ['yahoo ne.jp (Y!mobile)', ['ワイ、ケー、アットマーク、ヤフードットエヌイージェーピー'], 'yk@yahoo.ne.jp'],
  ['co.jp without dot', ['ワイ、ケー、アットマーク、ヤフーシーオージェーピー'], 'yk@yahoo.co.jp'],
  ['i.softbank.jp', ['エス、アットマーク、アイドットソフトバンクドットジェーピー'], 's@i.softbank.jp'],
  ['hotmail in Japan', ['エス、アットマーク、ホットメール'], 's@hotmail.co.jp'],
  ['outlook.com said in full', ['エス、アットマーク、アウトルックドットコム'], 's@outlook.com'],
  ['au spelled as letters', ['エス、アットマーク、エーユー'], 's@au.com'],
  ['ジーメールコム without ドット', ['エス、アットマーク、ジーメールコム'], 's@gmail.com'],
  ['ISP words', ['エス、アットマーク、プララ'], 's@plala.or.jp'],
  ['correction XじゃなくてY', ['エム、エー、ティーじゃなくてディー', 'アットマーク、ジーメール'], 'mad@gmail.com'],
  ['correction いや at turn start', ['エム、エー、ティー', 'いや、ディー、アットマーク、ジーメール'], 'mad@gmail.com'],
  ['case words', ['大文字のエム、小文字のエー、アットマーク、ジーメール'], 'ma@gmail.com'],
  ['collisions: ジー=G, シー=C, キュー=Q', ['ジー、シー、キュー、アットマーク、ジーメール'], 'gcq@gmail.com'],
  ['hiragana えー at turn start is a filler', ['えー、エー、ビー', 'アットマーク、ジーメール'], 'ab@gmail.com'],
  ['hiragana えー mid-turn is the letter', ['エム、えー、ティー、アットマーク、ジーメール'], 'mat@gmail.com'],
  ['hiragana えー as a whole turn is the letter', ['エム', 'えー', 'ティー、アットマーク、ジーメール'], 'mat@gmail.com'],
  [
    'fillers and politeness',
    ['あの、メールアドレスは、エム、エー、ですね、ティー', 'えっと、アットマーク、ジーメールドットコムです。よろしくお願いします'],
    'mat@gmail.com',
  ],
  ['mixed scripts', ['ｍ、エー、てぃー、Ｔ、わい、@、gmail.com'], 'matty@gmail.com'],
  ['recogniser wrote the address', ['matty@gmail.comです'], 'matty@gmail.com'],
  ['いやー is a hesitation, not a correction', ['エム、エー', 'いやー、ティー、アットマーク、ジーメール'], 'mat@gmail.com'],
  [
    'unknown domain spelled in a later turn with ending',
    [
      'エム、アットマーク、アイズチテック',
      'エー、アイ、ズィー、ユー、シー、エイチ、アイ、ティー、イー、シー、エイチ、ドットシーオージェーピー',
    ],
    'm@aizuchitech.co.jp',
  ],
  [
    'unknown domain with ドットコム, letters later',
    ['エム、アットマーク、アイズチテックドットコム', 'エー、アイ、ズィー、ユー'],
    'm@aizu.com',
  ],
  [
    'unknown domain replaced by a new アットマーク',
    ['エム、アットマーク、アイズチテック', 'アットマーク、エー、ビー、ドットコム'],
    'm@ab.com',
  ],
];

export const JA_EMAIL_NOT_COMPLETE: EmailNotCompleteCase[] = [
  ['only the local part', ['エム、エー、ティー'], 'incomplete'],
  ['no local part', ['アットマーク、ジーメール'], 'incomplete'],
  ['misspelled provider stays unresolved', ['エス、アットマーク、ジー、エム、エー、エル'], 'incomplete'],
  ['company said as a word', ['エム、アットマーク、アイズチテックです'], 'spell_domain', 'アイズチテック'],
  ['company word then ドットコム', ['エム', 'アットマーク、アイズチテックドットコム'], 'spell_domain', 'アイズチテック'],
  ['just a filler', ['えーっと'], 'incomplete'],
  ['longer than any real local part', ['エム'.repeat(65) + 'アットマークジーメール'], 'incomplete'],
];

export const EN_EMAIL_COMPLETE: EmailCase[] = [
  ['letters with spaces', ['m a t t y at gmail dot com'], 'matty@gmail.com'],
  ['as in, double', ['M as in Mike, A, double T, Y at gmail.com'], 'matty@gmail.com'],
  ['ASR letter names over two turns', ['em ay tee tee why', 'at gee mail dot com'], 'matty@gmail.com'],
  ['hyphenated spelling', ['m-a-t-t-y at gmail dot com'], 'matty@gmail.com'],
  ['recogniser formatted it', ['MATTY@GMAIL.COM.'], 'matty@gmail.com'],
  ['underscore', ['j o h n underscore s m i t h at outlook dot com'], 'john_smith@outlook.com'],
  ['dash and plus', ['a b c dash d e f plus x at hotmail dot com'], 'abc-def+x@hotmail.com'],
  ['correction with sorry', ['m a t, sorry, d at gmail dot com'], 'mad@gmail.com'],
  ['not', ['m a d, not t, at gmail dot com'], 'mad@gmail.com'],
  ['capital', ['capital M a t t y at gmail dot com'], 'matty@gmail.com'],
  ['NATO', ['mike alpha tango tango yankee at gmail dot com'], 'matty@gmail.com'],
  ['double dot kept', ['a dot dot b at docomo dot ne dot jp'], 'a..b@docomo.ne.jp'],
  ['digits', ['r o b one nine eight five at gmail dot com'], 'rob1985@gmail.com'],
  ['triple', ['triple x at yahoo dot com'], 'xxx@yahoo.com'],
  ['unknown domain then spelled', ['m a t t y at acme corp dot com', 'a c m e c o r p dot com'], 'matty@acmecorp.com'],
  ['at sign, period', ['a b at sign gmail period com'], 'ab@gmail.com'],
  ['at the rate', ['a b at the rate gmail dot com'], 'ab@gmail.com'],
  ['X for Y', ['b for bravo o b at gmail dot com'], 'bob@gmail.com'],
  ['co dot uk', ['a b at b b c dot co dot uk'], 'ab@bbc.co.uk'],
  ['bare providers', ['a b at yahoo'], 'ab@yahoo.com'],
  ['i cloud', ['a b at i cloud'], 'ab@icloud.com'],
  ['aol spelled', ['a b at a o l'], 'ab@aol.com'],
  ['sentence around it', ["Sure, it's m a t t y at gmail dot com."], 'matty@gmail.com'],
  ['upper case ASR', ['M A T T Y AT GMAIL DOT COM'], 'matty@gmail.com'],
  ['fillers', ['um, m, uh, a, t', 'okay, t y at gmail dot com'], 'matty@gmail.com'],
];

export const EN_EMAIL_NOT_COMPLETE: EmailNotCompleteCase[] = [
  ['stops at the at', ['m a t t y at'], 'incomplete'],
  ['no domain yet', ['m a t t y'], 'incomplete'],
  ['a word in the local part', ['t o m plus news at gmail dot com'], 'incomplete'],
  ['company word', ['m a t t y at acme-corp dot com'], 'spell_domain', 'acme-corp'],
];

/** Issue 9, "Letters written as other words": [turns, address]. */
export const JA_LETTER_WORDS = [
  // Issue lines.
  [['エム、愛、ケー、イー', 'アットマーク', 'ヤフードットシーオードットジェーピー'], 'mike@yahoo.co.jp'],
  [['ケー、エル、ユーエスエーのユー、エイチ', 'アットマーク', 'ジーメールドットコム'], 'kluh@gmail.com'],
  // Other members: kanji homophones of letter names.
  [['エム、藍、ケー、イー', 'アットマーク', 'ジーメールドットコム'], 'mike@gmail.com'],
  [['ジェー、王、円、イー', 'アットマーク', 'ジーメールドットコム'], 'jone@gmail.com'],
  [['ジェー、尾、エヌ、絵', 'アットマーク', 'ジーメールドットコム'], 'jone@gmail.com'],
  [['ジェー、オー、円、江', 'アットマーク', 'ジーメールドットコム'], 'jone@gmail.com'],
  // A letter illustrated by a word that is itself spelled letters.
  [['エヌ、エイチ、ケーのケー、エス', 'アットマーク', 'ジーメールドットコム'], 'nhks@gmail.com'],
  [['エム、ビービーシーのビー', 'アットマーク', 'ジーメールドットコム'], 'mb@gmail.com'],
  [['ケー、エル、USAのU、エイチ', 'アットマーク', 'ジーメールドットコム'], 'kluh@gmail.com'],
  [['エー、アップルのエー、ビー', 'アットマーク', 'ジーメールドットコム'], 'ab@gmail.com'],
] as const;

/** Well-known providers said as words, English: [turn, address]. */
export const EN_PROVIDER_WORDS: Array<[string, string]> = [
  ['m a t t y at aol dot com', 'matty@aol.com'],
  ['m a t t y at aol', 'matty@aol.com'],
  ['m a t t y at protonmail', 'matty@protonmail.com'],
  ['m a t t y at proton dot me', 'matty@proton.me'],
  ['m a t t y at me dot com', 'matty@me.com'],
  ['m a t t y at mac dot com', 'matty@mac.com'],
  ['m a t t y at live dot com', 'matty@live.com'],
  ['m a t t y at msn', 'matty@msn.com'],
  ['m a t t y at gmx dot de', 'matty@gmx.de'],
  ['m a t t y at gmx', 'matty@gmx.com'],
  ['m a t t y at zoho', 'matty@zoho.com'],
  ['m a t t y at mail dot com', 'matty@mail.com'],
  ['m a t t y at ezweb', 'matty@ezweb.ne.jp'],
  ['m a t t y at au dot com', 'matty@au.com'],
  ['m a t t y at i dot softbank dot jp', 'matty@i.softbank.jp'],
  ['m a t t y at docomo', 'matty@docomo.ne.jp'],
  ['m a t t y at nifty', 'matty@nifty.com'],
  ['m a t t y at biglobe', 'matty@biglobe.ne.jp'],
  ['m a t t y at so-net', 'matty@so-net.ne.jp'],
  ['m a t t y at ocn', 'matty@ocn.ne.jp'],
  ['m a t t y at plala', 'matty@plala.or.jp'],
];

/** Well-known providers said as words, Japanese: [domain turn after 'エム', 'アットマーク', address]. */
export const JA_PROVIDER_WORDS: Array<[string, string]> = [
  ['エーオーエル', 'm@aol.com'],
  ['プロトンメール', 'm@protonmail.com'],
  ['プロトンドットミー', 'm@proton.me'],
  ['ミードットコム', 'm@me.com'],
  ['マックドットコム', 'm@mac.com'],
  ['エムエスエヌ', 'm@msn.com'],
  ['ジーエムエックス', 'm@gmx.com'],
  ['ゾーホー', 'm@zoho.com'],
  ['メールドットコム', 'm@mail.com'],
  ['イーゼットウェブ', 'm@ezweb.ne.jp'],
  ['エーユードットコム', 'm@au.com'],
  ['アイソフトバンク', 'm@i.softbank.jp'],
  ['ドコモ', 'm@docomo.ne.jp'],
  ['ニフティ', 'm@nifty.com'],
  ['ビッグローブ', 'm@biglobe.ne.jp'],
  ['ソネット', 'm@so-net.ne.jp'],
  ['オーシーエヌ', 'm@ocn.ne.jp'],
  ['プララ', 'm@plala.or.jp'],
];
