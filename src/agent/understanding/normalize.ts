/**
 * Text normalisation shared by every understanding parser.
 *
 * Recognisers mix scripts freely (エム / えむ / Ｍ / m), so matching happens on one canonical form:
 * NFKC (full-width → half-width, half-width kana → full-width), hiragana folded to katakana,
 * lowercase, one kind of hyphen, runs of the long-vowel mark collapsed, whitespace single-spaced.
 */

const HIRAGANA = /[\u3041-\u3096]/g;
const KANA_OFFSET = 0x60;

/** Hiragana → katakana (ゔ → ヴ included); everything else untouched. */
export function foldKana(text: string): string {
  return text.replace(HIRAGANA, (ch) => String.fromCharCode(ch.charCodeAt(0) + KANA_OFFSET));
}

/**
 * NFKC + lowercase + dash/space clean-up, but hiragana kept: some decisions (the filler えー vs the
 * letter エー) depend on which script the recogniser chose, so callers that need it fold later.
 */
export function normalizeKeepingScript(text: string): string {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      // Wave dashes are drawn-out speech (です〜), never content.
      .replace(/[~〜]/g, '')
      .replace(/[‐‑‒–—―−]/g, '-')
      // A long-vowel mark between Latin/digits is a recogniser's way of writing a hyphen (taroーyamada).
      .replace(/(?<=[a-z0-9])ー(?=[a-z0-9])/g, '-')
      .replace(/ー{2,}/g, 'ー')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Canonical form for matching: NFKC, katakana only, lowercase, tidy dashes and spaces. */
export function normalizeUtterance(text: string): string {
  return foldKana(normalizeKeepingScript(text));
}
