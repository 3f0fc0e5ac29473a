/** Languages the product speaks; Japanese first. */
export const LANGS = ['ja', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(value: unknown): value is Lang {
  return value === 'ja' || value === 'en';
}
