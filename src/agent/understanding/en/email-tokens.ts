import type { EmailToken, Sym } from '../tokens';
import { normalizeUtterance } from '../normalize';
import { EN_EMAIL_LEXICON, EN_MAX_PHRASE_WORDS, type EnEntry } from './email-lexicon';

/** A word as it came from the recogniser, or tokens already decided from its punctuation. */
type Unit = { kind: 'word'; word: string } | { kind: 'tokens'; tokens: EmailToken[] };

const SYMBOL_CHARS = /([@._+-])/;

function isSym(ch: string): ch is Sym {
  return ch === '@' || ch === '.' || ch === '_' || ch === '-' || ch === '+';
}

/**
 * A word with address punctuation in it (matty@gmail.com, john.smith) is recogniser formatting: trust
 * its characters, only mapping provider words and endings so that defaults still apply.
 */
function literalWord(word: string): EmailToken[] {
  const tokens: EmailToken[] = [];
  for (const piece of word.split(SYMBOL_CHARS)) {
    if (piece === '') continue;
    if (isSym(piece)) {
      tokens.push({ kind: 'sym', sym: piece });
      continue;
    }
    const entry = EN_EMAIL_LEXICON.get(piece);
    if (entry && (entry.kind === 'domain' || entry.kind === 'tld')) tokens.push(entry);
    else tokens.push({ kind: 'lit', text: piece });
  }
  return tokens;
}

function isSpelledPiece(piece: string): boolean {
  if (/^[a-z0-9]$/.test(piece)) return true;
  const entry = EN_EMAIL_LEXICON.get(piece);
  return entry?.kind === 'lit';
}

function toUnits(text: string): Unit[] {
  const units: Unit[] = [];
  for (let word of text.split(' ')) {
    word = word.replace(/^['"]+|['"]+$/g, '');
    if (/^\.+$/.test(word)) {
      units.push({ kind: 'tokens', tokens: [...word].map(() => ({ kind: 'sym', sym: '.' }) as const) });
      continue;
    }
    // Sentence punctuation after a word ("com.", "m.") is not a dot in the address.
    word = word.replace(/[.:]+$/, '');
    if (word === '') continue;
    if (EN_EMAIL_LEXICON.has(word)) units.push({ kind: 'word', word });
    else if (/[@._+]/.test(word)) units.push({ kind: 'tokens', tokens: literalWord(word) });
    else if (word.includes('-')) {
      const parts = word.split('-').filter((p) => p !== '');
      // "m-a-t-t-y" is letters read with pauses; "acme-corp" is a word we cannot spell.
      if (parts.every(isSpelledPiece)) for (const p of parts) units.push({ kind: 'word', word: p });
      else units.push({ kind: 'tokens', tokens: [{ kind: 'unknown', word }] });
    } else units.push({ kind: 'word', word });
  }
  return units;
}

/** One English turn → email tokens. */
export function tokenizeEnEmailTurn(raw: string): EmailToken[] {
  const text = normalizeUtterance(raw)
    .replace(/[,;!?"“”()]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const units = toUnits(text);
  const out: EmailToken[] = [];
  let repeat = 1;
  const emit = (tok: EmailToken): void => {
    if (tok.kind === 'lit' && repeat > 1) tok = { kind: 'lit', text: tok.text.repeat(repeat) };
    if (tok.kind !== 'filler') repeat = 1;
    const last = out[out.length - 1];
    // Adjacent words we cannot spell are one name ("acme corp").
    if (tok.kind === 'unknown' && last?.kind === 'unknown') out[out.length - 1] = { kind: 'unknown', word: `${last.word} ${tok.word}` };
    else out.push(tok);
  };
  for (let i = 0; i < units.length;) {
    const unit = units[i]!;
    if (unit.kind === 'tokens') {
      unit.tokens.forEach(emit);
      i++;
      continue;
    }
    let entry: EnEntry | undefined;
    let used = 1;
    for (let n = EN_MAX_PHRASE_WORDS; n >= 1 && !entry; n--) {
      const slice = units.slice(i, i + n);
      if (slice.length < n || slice.some((u) => u.kind !== 'word')) continue;
      const found = EN_EMAIL_LEXICON.get(slice.map((u) => (u as { word: string }).word).join(' '));
      if (found) {
        entry = found;
        used = n;
      }
    }
    i += used;
    if (!entry) {
      emit(/^\d+$/.test(unit.word) ? { kind: 'lit', text: unit.word } : { kind: 'unknown', word: unit.word });
    } else if (entry.kind === 'repeat') {
      repeat = entry.times;
    } else if (entry.kind === 'hint-marker') {
      // "m for mike": after a letter, the next word only illustrates it.
      emit(out[out.length - 1]?.kind === 'lit' ? { kind: 'skip' } : { kind: 'filler' });
    } else {
      emit(entry);
    }
  }
  return out;
}
