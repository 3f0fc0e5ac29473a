import type { EmailToken } from '../tokens';
import { foldKana, normalizeKeepingScript } from '../normalize';
import { segment, type Piece } from '../segmenter';
import { JA_EMAIL_LEXICON, JA_DOMAIN_WORDS } from './email-lexicon';
import { JA_NATO_WORDS } from './letters';

/**
 * Filler vs letter for えー (documented rule, SPELLING.md §0 lists the collision):
 *  1. Katakana エー and Latin A are always the letter A.
 *  2. えーっと / えっと / えーと / ええと (any script) are always fillers.
 *  3. Hiragana えー at the very start of a turn, followed by a pause (、 space …) or by non-hiragana
 *     material, is a hesitation and dropped — but only when more material follows in the turn.
 *  4. Anywhere else (mid-turn, alone as a whole turn, or run straight into more hiragana like えーえむ,
 *     where the recogniser is evidently writing the letters in hiragana) hiragana えー is the letter A.
 * The same leading-hesitation stripping covers あの/その/はい/あー/うーん, in hiragana only, so that
 * あーる (R) and はいふん (hyphen) are never eaten.
 */
const LEADING_HIRAGANA_FILLER =
  /^(?:えー*っと|えーと|ええと|えっと|あのー?|そのー?|ええ|はい|あー|うーん|まあ|えー)(?:[、,。・!?\s]+|(?=[^\u3041-\u309f])|$)/;

function stripLeadingFillers(text: string): string {
  let rest = text;
  for (;;) {
    const m = LEADING_HIRAGANA_FILLER.exec(rest);
    if (!m) return rest;
    const after = rest.slice(m[0].length).replace(/^[、,。・!?\s]+/, '');
    if (after === '') return rest;
    rest = after;
  }
}

const SEPARATORS = /[、,。・\s!?「」『』()（）:;]+/;

const NATO_SURFACES: ReadonlySet<string> = new Set(Object.values(JA_NATO_WORDS).flat());

/** Pieces that may belong to a word we cannot spell: unknown text, letter/digit names, one-kana particles. */
function isWordMaterial(piece: Piece<EmailToken>): boolean {
  if (piece.kind === 'unknown') return true;
  if (piece.value.kind === 'lit') return !NATO_SURFACES.has(piece.surface);
  return piece.value.kind === 'filler' && piece.surface.length === 1;
}

/**
 * A company name said as a word (アイズチテック) is segmented into whatever letter names happen to
 * hide inside it (アイ = I) plus leftovers; glue each such run back into one unknown word.
 */
function piecesToTokens(pieces: ReadonlyArray<Piece<EmailToken>>): EmailToken[] {
  const tokens: EmailToken[] = [];
  for (let i = 0; i < pieces.length;) {
    if (!isWordMaterial(pieces[i]!)) {
      const p = pieces[i]! as Extract<Piece<EmailToken>, { kind: 'known' }>;
      tokens.push(p.value);
      i++;
      continue;
    }
    let j = i;
    let hasUnknown = false;
    while (j < pieces.length && isWordMaterial(pieces[j]!)) {
      if (pieces[j]!.kind === 'unknown') hasUnknown = true;
      j++;
    }
    if (hasUnknown) {
      tokens.push({
        kind: 'unknown',
        word: pieces
          .slice(i, j)
          .map((p) => p.surface)
          .join(''),
      });
    } else {
      for (const p of pieces.slice(i, j)) if (p.kind === 'known') tokens.push(p.value);
    }
    i = j;
  }
  return tokens;
}

/**
 * 「ユーエスエーのユー」: the word before の is itself spelled letters (USA), yet it only illustrates the
 * letter after の. Within one pause-free stretch, everything before の becomes one hint, so the
 * stretch names one letter, not four (issue 9).
 */
function collapseSpelledHint(tokens: EmailToken[]): EmailToken[] {
  const of = tokens.findIndex((t) => t.kind === 'of');
  if (of < 2 || tokens[of + 1]?.kind !== 'lit') return tokens;
  const before = tokens.slice(0, of);
  if (!before.every((t) => t.kind === 'lit' || t.kind === 'unknown' || t.kind === 'hint')) return tokens;
  return [{ kind: 'hint' }, ...tokens.slice(of)];
}

/** One Japanese turn → email tokens. */
export function tokenizeJaEmailTurn(raw: string): EmailToken[] {
  let text = foldKana(stripLeadingFillers(normalizeKeepingScript(raw)));
  // A sentence-final full stop typed after Latin text is punctuation, not a dot in the address.
  text = text.replace(/(?<=[a-z0-9])\.$/, '');
  const tokens: EmailToken[] = [];
  for (const seg of text.split(SEPARATORS)) {
    if (seg !== '') tokens.push(...collapseSpelledHint(piecesToTokens(segment(seg, JA_EMAIL_LEXICON))));
  }
  return tokens;
}

/** Provider bases a bare spelled domain can stand for (エーユー → au → au.com). */
export const JA_BARE_DOMAINS: ReadonlyMap<string, string> = new Map([
  ...JA_DOMAIN_WORDS.map((w) => [w.base, w.suffix] as const),
  ['au', '.com'],
  ['me', '.com'],
]);
