import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readDigits } from './digits';

type Gen = fc.GeneratorValue;

const code = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }).map((ds) => ds.join(''));

/** Cuts a code into 1–4 chunks, as callers read it ("1,2,6,7" … "5,6,9,3"). */
function chunks(g: Gen, digits: string): string[] {
  const cuts = [...new Set(g(fc.array, fc.integer({ min: 1, max: digits.length - 1 }), { maxLength: 3 }))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const cut of [...cuts, digits.length]) {
    out.push(digits.slice(from, cut));
    from = cut;
  }
  return out;
}

const JA_READINGS: Readonly<Record<string, readonly string[]>> = {
  '0': ['ゼロ', 'れい', 'まる', 'ぜろ', 'レー'],
  '1': ['いち', 'イチ', 'ワン'],
  '2': ['に', 'にー', 'ニー', 'ツー'],
  '3': ['さん', 'サン'],
  '4': ['よん', 'し', 'しー', 'ヨン'],
  '5': ['ご', 'ごー', 'ゴー'],
  '6': ['ろく', 'ロク'],
  '7': ['なな', 'しち', 'ナナ', 'セブン'],
  '8': ['はち', 'ハチ'],
  '9': ['きゅう', 'く', 'くー', 'キュー'],
};
const KANJI = '〇一二三四五六七八九';

/** 1267 → 千二百六十七 (how ReazonSpeech-style normalisers write numbers). */
function kanjiValue(n: number): string {
  const units: Array<[number, string]> = [
    [1000, '千'],
    [100, '百'],
    [10, '十'],
  ];
  let out = '';
  let rest = n;
  for (const [size, mark] of units) {
    const d = Math.floor(rest / size);
    if (d > 0) out += (d === 1 ? '' : KANJI[d]) + mark;
    rest %= size;
  }
  return out + (rest > 0 ? KANJI[rest] : '');
}

function speakJaChunk(g: Gen, chunk: string): string {
  const style = g(fc.constantFrom, 'arabic', 'wide', 'kanji', 'kana', 'value', 'mixed');
  if (style === 'value' && !chunk.startsWith('0') && chunk.length <= 4) return kanjiValue(Number(chunk));
  const sep = g(fc.constantFrom, '', '、', ',', ' ');
  return [...chunk]
    .map((d) => {
      const s = style === 'mixed' ? g(fc.constantFrom, 'arabic', 'wide', 'kanji', 'kana') : style;
      if (s === 'wide') return String.fromCharCode(0xff10 + Number(d));
      if (s === 'kanji') return KANJI[Number(d)]!;
      if (s === 'kana' || s === 'value') return g(fc.constantFrom, ...JA_READINGS[d]!);
      return d;
    })
    .join(sep);
}

const EN_UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const EN_TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const EN_TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** "67" → "sixty-seven", "07" → "oh seven", "12" → "twelve", "20" → "twenty". */
function enPair(g: Gen, pair: string): string {
  const [a, b] = [Number(pair[0]), Number(pair[1])];
  if (a === 0) return `${g(fc.constantFrom, 'oh', 'zero')} ${EN_UNITS[b]}`;
  if (a === 1) return EN_TEENS[b]!;
  if (b === 0) return EN_TENS[a]!;
  return `${EN_TENS[a]}${g(fc.constantFrom, '-', ' ')}${EN_UNITS[b]}`;
}

function speakEnChunk(g: Gen, chunk: string): string {
  const style = g(fc.constantFrom, 'words', 'numerals', 'pairs', 'repeats');
  if (style === 'numerals') return g(fc.boolean) ? chunk : [...chunk].join(' ');
  if (style === 'pairs' && chunk.length % 2 === 0) {
    return (chunk.match(/../g) ?? []).map((p) => enPair(g, p)).join(' ');
  }
  const words: string[] = [];
  for (let i = 0; i < chunk.length;) {
    const d = chunk[i]!;
    let run = 1;
    while (chunk[i + run] === d && run < 3) run++;
    if (style === 'repeats' && run >= 2) {
      words.push(`${run === 3 ? 'triple' : 'double'} ${EN_UNITS[Number(d)]}`);
      i += run;
    } else {
      words.push(d === '0' ? g(fc.constantFrom, 'zero', 'oh') : EN_UNITS[Number(d)]!);
      i++;
    }
  }
  return words.join(g(fc.constantFrom, ' ', ', '));
}

describe('spoken codes round-trip', () => {
  it('Japanese: Arabic, full-width, kanji, kana readings, values, chunks over turns or joined with の', () => {
    fc.assert(
      fc.property(code, fc.gen(), (digits, g) => {
        const spoken = chunks(g, digits).map((c) => speakJaChunk(g, c));
        const turns = g(fc.boolean) ? spoken : [spoken.join(g(fc.constantFrom, 'の', '、', ' '))];
        const dressed = turns.map(
          (t) =>
            g(fc.constantFrom, '', 'えーっと、', 'はい、', 'あー、はい。これか。えーっと、') + t + g(fc.constantFrom, '', 'です', 'ですね'),
        );
        expect(readDigits(dressed, 'ja')).toEqual({ digits, complete: true });
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 500), seed: Number(process.env.FC_SEED ?? 20261201) },
    );
  });

  it('English: digit words, numerals, pairs, double/triple, chunks over turns', () => {
    fc.assert(
      fc.property(code, fc.gen(), (digits, g) => {
        const turns = chunks(g, digits).map((c) => g(fc.constantFrom, '', 'um, ', "okay it's ", 'uh ') + speakEnChunk(g, c));
        expect(readDigits(turns, 'en')).toEqual({ digits, complete: true });
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 500), seed: Number(process.env.FC_SEED ?? 20261201) },
    );
  });

  it('a code missing its last digit is never complete', () => {
    fc.assert(
      fc.property(code, (digits) => {
        expect(readDigits([digits.slice(0, 4), digits.slice(4, 7)], 'ja').complete).toBe(false);
      }),
    );
  });
});
