/** Languages the product speaks; Japanese first. */
export const LANGS = ['ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return value === 'ja' || value === 'en';
}

/**
 * The one language rule for every page: an explicit choice (`?lang=`, a form field, a stored
 * preference) wins when it names a product language, then the browser's Accept-Language
 * preference by q-value (RFC 9110 §12.5.4; ties keep header order, q=0 means "not this one"),
 * then `fallback` (Japanese unless a page says otherwise). `explicit` is untrusted input; anything
 * that is not a Lang is ignored.
 */
export function pickLang(explicit: unknown, acceptLanguage?: string, fallback: Lang = 'ja'): Lang {
  if (isLang(explicit)) return explicit;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number(q.slice(2)) : 1;
      return { primary: tag.toLowerCase().split('-')[0] ?? '', weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((t) => t.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { primary } of ranked) if (isLang(primary)) return primary;
  return fallback;
}
