/** Issue 9, "Self-corrections inside a code or an email": [turns, lang, right value]; read by the tests and `npm run bench`. */

export const CODE_CORRECTIONS = [
  // Issue lines.
  [['さんろくきゅうご', 'ごななななに', '違います、いち'], 'ja', '36955771'],
  [['one two three four', 'five six seven nine sorry eight'], 'en', '12345678'],
  // Other members of the kind.
  [['いちにさんよん', 'ごろくなな、間違えました、はち', 'きゅう'], 'ja', '12345689'],
  [['1234', '5679', 'ごめんなさい、8'], 'ja', '12345678'],
  [['いちにさんよんごろくななきゅう、いや、はち'], 'ja', '12345678'],
  [['イチニサンヨン', 'ゴロクナナキュウ', 'チガウ', 'ハチ'], 'ja', '12345678'],
  [['one two three four five six seven nine', 'no wait, eight'], 'en', '12345678'],
  [['one two three four five six seven', 'nine I mean eight'], 'en', '12345678'],
  [['one two three', 'four five six seven nine, actually eight'], 'en', '12345678'],
  [['one two three four five six seven nine', 'sorry', 'eight'], 'en', '12345678'],
] as const;

export const EMAIL_CORRECTIONS = [
  // Issue line.
  [['エム、エー、ティー、ティー、アイ、違います、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
  // Other members of the kind.
  [['エム、エー、ティー、ティー、アイ、間違えました、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
  [['エム、エー、ティー、ティー、アイ', 'ごめんなさい、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
  [['えむ、えー、てぃー、てぃー、あい、ちがう、わい', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
  [['m a t t i', 'actually y', 'at gmail dot com'], 'en', 'matty@gmail.com'],
  [['m a t t i no wait y at gmail dot com'], 'en', 'matty@gmail.com'],
  [['エム、エー、ティー、ティー、アイ', '違う、間違えました、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
  // A correction of the domain takes back what it replaces: a top-level domain the last one, a provider
  // word or an at sign the whole domain.
  [['エム、エー、ティー、ティー、ワイ', 'アットマーク', 'ジーメールドットコム', '違います、ドットネット'], 'ja', 'matty@gmail.net'],
  [['エム、エー、ティー、ティー、ワイ', 'アットマーク', 'ジーメールドットコム、違います、ドットネット'], 'ja', 'matty@gmail.net'],
  [['エム、エー、ティー、ティー、ワイ', 'アットマーク', 'ヤフー', '違います、ジーメール'], 'ja', 'matty@gmail.com'],
  [
    ['エム、エー、ティー、ティー、ワイ', 'アットマーク', 'ジーメールドットコム', 'ごめんなさい、ホットメールドットコムです'],
    'ja',
    'matty@hotmail.com',
  ],
  [['m a t t y', 'at gmail dot com', 'sorry, dot net'], 'en', 'matty@gmail.net'],
  [['m a t t y at gmail dot com no wait hotmail dot com'], 'en', 'matty@hotmail.com'],
  [['m a t t y at yahoo dot com', 'I mean yahoo dot co dot jp'], 'en', 'matty@yahoo.co.jp'],
  [['m a t t y at gmail', 'sorry at hotmail dot com'], 'en', 'matty@hotmail.com'],
] as const;
