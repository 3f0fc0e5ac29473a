/** Recogniser output for the emailed code (issue 9): read by the parser tests and by `npm run bench`. */

/** Real-looking recogniser output for an emailed 8-digit code, read back in chunks. */
export type CodeCase = [name: string, turns: string[], digits: string];

export const JA_CODES: CodeCase[] = [
  ['the story', ['あー、はい。これか。えーっと、1,2,6,7', '5,6,9,3です'], '12675693'],
  ['full-width digits', ['１２６７', '５６９３'], '12675693'],
  ['kanji digits', ['一二六七', '五六九三'], '12675693'],
  ['の between groups', ['一二六七の五六九三'], '12675693'],
  ['hiragana readings, lengthened 2 and 5', ['いちにーろくなな', 'ごーろくきゅうさん'], '12675693'],
  ['katakana with separators', ['イチ、ニー、ロク、ナナ', 'ゴー、ロク、キュー、サン'], '12675693'],
  ['zero readings', ['ぜろ、れい、まる、〇'], '0000'],
  ['four readings', ['よん、し、しー'], '444'],
  ['seven readings', ['なな、しち'], '77'],
  ['nine readings', ['きゅう、く、くー'], '999'],
  ['numbers said as values (ReazonSpeech style)', ['千二百六十七', '五千六百九十三'], '12675693'],
  ['value in kana', ['せんにひゃくろくじゅうなな'], '1267'],
  ['politeness only', ['ありがとうございます', 'よろしくお願いします'], ''],
  ['keypad-style string', ['12675693'], '12675693'],
  ['mixed scripts', ['1、2、ろく、七'], '1267'],
  ['waiting, no digits', ['えーっと、ちょっと待ってください'], ''],
  ['English in katakana', ['ワン、ツー、スリー'], '123'],
  ['chatter around a chunk', ['コードは、いちにーろくなな、です'], '1267'],
  ['hyphen between groups', ['1267-5693'], '12675693'],
  ['readings glued to chatter are not digits', ['失礼します', 'ございます'], ''],
];

export const EN_CODES: CodeCase[] = [
  ['digit words', ['one two six seven', 'five six nine three'], '12675693'],
  ['pairs', ['twelve sixty-seven', 'fifty-six ninety-three'], '12675693'],
  ['oh and zero', ['oh one two zero'], '0120'],
  ['double and triple', ['double five triple seven'], '55777'],
  ['teens', ['nineteen'], '19'],
  ['digits with chatter', ["um, it's 1267", 'and 5693'], '12675693'],
  ['homophones next to digits', ['one to three four'], '1234'],
  ['homophones in chatter are not digits', ["I'm going to read it for you"], ''],
  ['hundreds', ['five hundred sixty seven'], '567'],
  ['thousands', ['two thousand nineteen'], '2019'],
  ['spaced digits', ['1 2 6 7 5 6 9 3'], '12675693'],
  ['code with a dash', ['the code is 1267-5693'], '12675693'],
  ["can't find it", ["I can't find it"], ''],
];

/** Issue 9, "Numbers formatted or misheard by the recognizer" (English): [turns, digits]. */
export const EN_FORMATTED_CODES = [
  // Issue lines.
  [['one two three four 5:06 seven eight'], '12345678'],
  [['seven tutu four', 'eight one nine zero'], '72248190'],
  // Other members of the kind: the code length decides the clock reading.
  [['one two 3:04 five six seven'], '12304567'],
  [['1:02 three four five six seven'], '10234567'],
  [['one two three four five', '6:07'], '12345607'],
  [['one two three four five six 7:08'], '12345678'],
  [['seven to to four', 'eight one nine zero'], '72248190'],
  [['one too three for five six seven ate'], '12345678'],
  [['tutu tutu', 'three four five six'], '22223456'],
  [['one two three four 5.06 seven eight'], '12345678'],
  [['seven for for for one two three four'], '74441234'],
] as const;
