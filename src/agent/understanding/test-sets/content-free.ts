/** Issue 9, "Turns with no content read as content": [turns, lang, address]; read by the tests and `npm run bench`. */

export const CONTENT_FREE_TURNS = [
  // Issue lines.
  [['m a t', 'you', 't y', 'at gmail dot com'], 'en', 'matty@gmail.com'],
  [['エム、エー、ティー', 'ご視聴ありがとうございました', 'ティー、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
  [['m a t', 'uh-huh', 't y', 'at gmail dot com'], 'en', 'matty@gmail.com'],
  // Other members of the kind.
  [['m a t', 'Thank you.', 't y', 'at gmail dot com'], 'en', 'matty@gmail.com'],
  [['m a t', 'Thanks for watching!', 't y', 'at gmail dot com'], 'en', 'matty@gmail.com'],
  [['m a t', 'mm-hmm', 't y', 'at gmail dot com'], 'en', 'matty@gmail.com'],
  [['m a t uh-huh t y at gmail dot com'], 'en', 'matty@gmail.com'],
  [
    ['エム、エー、ティー', 'チャンネル登録よろしくお願いします', 'ティー、ワイ', 'アットマーク', 'ジーメールドットコム'],
    'ja',
    'matty@gmail.com',
  ],
  [['エム、エー、ティー', 'はい', 'ティー、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
  [['エム、エー、ティー', 'うん。', 'ティー、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
  [['エム、エー、ティー', 'ええ', 'ティー、ワイ', 'アットマーク', 'ジーメールドットコム'], 'ja', 'matty@gmail.com'],
] as const;
