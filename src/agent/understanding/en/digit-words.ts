import { normalizeUtterance } from '../normalize';
import { EN_DIGIT_WORDS } from './letters';

type Word =
  | { kind: 'unit'; value: number }
  | { kind: 'teen'; value: number }
  | { kind: 'tens'; value: number }
  | { kind: 'hundred' }
  | { kind: 'thousand' }
  | { kind: 'repeat'; times: number }
  | { kind: 'raw'; digits: string }
  | { kind: 'and' }
  | { kind: 'other' };

const UNITS = new Map<string, number>([
  ...EN_DIGIT_WORDS.map((w, i) => [w, i] as const),
  ['oh', 0],
  ['o', 0],
  ['nought', 0],
  ['naught', 0],
]);
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
/** Recogniser homophones: digits only when a neighbouring word is clearly numeric ("to" in "going to" is not 2). */
const HOMOPHONES = new Map<string, number>([
  ['to', 2],
  ['too', 2],
  ['for', 4],
  ['fore', 4],
  ['won', 1],
  ['ate', 8],
  ['free', 3],
  ['tree', 3],
]);
/** Doubled digits the recogniser writes as one word ("two two" → "tutu"); never ordinary words in a code. */
const DOUBLED = new Map<string, string>([
  ['tutu', '22'],
  ['toto', '22'],
  ['tootoo', '22'],
  ['tutoo', '22'],
]);

function classify(word: string): Word {
  if (/^\d+$/.test(word)) return { kind: 'raw', digits: word };
  const doubled = DOUBLED.get(word);
  if (doubled !== undefined) return { kind: 'raw', digits: doubled };
  const unit = UNITS.get(word);
  if (unit !== undefined) return { kind: 'unit', value: unit };
  const teen = TEENS.indexOf(word);
  if (teen >= 0) return { kind: 'teen', value: 10 + teen };
  const tens = TENS.indexOf(word);
  if (tens >= 0) return { kind: 'tens', value: 20 + 10 * tens };
  if (word === 'hundred') return { kind: 'hundred' };
  if (word === 'thousand') return { kind: 'thousand' };
  if (word === 'double') return { kind: 'repeat', times: 2 };
  if (word === 'triple') return { kind: 'repeat', times: 3 };
  if (word === 'and') return { kind: 'and' };
  return { kind: 'other' };
}

const isNumeric = (w: Word | undefined): boolean => w !== undefined && w.kind !== 'other' && w.kind !== 'and';

/** Number words → digits: "twelve sixty-seven" = 1267, "nineteen" = 19, "double five" = 55, "oh" = 0. */
export function enTurnDigits(raw: string): string {
  const words = normalizeUtterance(raw)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '');
  const classes = words.map(classify);
  // Repeat until nothing changes, so a run of homophones next to one clear number ("seven for for")
  // is read as digits all the way along.
  for (let changed = true; changed;) {
    changed = false;
    words.forEach((w, i) => {
      const value = HOMOPHONES.get(w);
      if (value !== undefined && classes[i]?.kind === 'other' && (isNumeric(classes[i - 1]) || isNumeric(classes[i + 1]))) {
        classes[i] = { kind: 'unit', value };
        changed = true;
      }
    });
  }
  return readWords(classes);
}

function readWords(ws: readonly Word[]): string {
  let out = '';
  let i = 0;
  const at = (k: number): Word | undefined => ws[k];
  const startsSmall = (w: Word | undefined): boolean => (w?.kind === 'unit' && w.value > 0) || w?.kind === 'teen' || w?.kind === 'tens';
  /** tens [unit] | teen | unit, after "hundred" (and an optional "and"). */
  const tensPart = (): number => {
    if (at(i)?.kind === 'and' && startsSmall(at(i + 1))) i++;
    const w = at(i);
    if (w?.kind === 'tens') {
      i++;
      const u = at(i);
      if (u?.kind === 'unit' && u.value > 0) {
        i++;
        return w.value + u.value;
      }
      return w.value;
    }
    if (w?.kind === 'teen' || (w?.kind === 'unit' && w.value > 0)) {
      i++;
      return w.value;
    }
    return 0;
  };
  const small = (): number => {
    const w = at(i)!;
    if (w.kind === 'tens') return tensPart();
    i++;
    let value = (w as { value: number }).value;
    if (at(i)?.kind === 'hundred') {
      i++;
      value = value * 100 + tensPart();
    }
    return value;
  };
  while (i < ws.length) {
    const w = ws[i]!;
    if (w.kind === 'raw') {
      out += w.digits;
      i++;
    } else if (w.kind === 'repeat') {
      i++;
      const next = at(i);
      if (next?.kind === 'unit') {
        out += String(next.value).repeat(w.times);
        i++;
      }
    } else if (w.kind === 'unit' && w.value === 0) {
      out += '0';
      i++;
    } else if (startsSmall(w)) {
      let value = small();
      if (at(i)?.kind === 'thousand') {
        i++;
        value *= 1000;
        if (at(i)?.kind === 'and') i++;
        if (startsSmall(at(i))) value += small();
      }
      out += String(value);
    } else {
      i++;
    }
  }
  return out;
}
