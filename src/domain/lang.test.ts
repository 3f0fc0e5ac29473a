import { describe, expect, it } from 'vitest';
import { pickLang } from './lang';

describe('pickLang', () => {
  it('lets an explicit product language win, and ignores anything else given explicitly', () => {
    expect(pickLang('en', 'ja')).toBe('en');
    expect(pickLang('fr', 'en')).toBe('en');
    expect(pickLang(42, undefined)).toBe('ja');
  });

  it('ranks Accept-Language by q-value, keeps header order on ties, and skips q=0', () => {
    expect(pickLang(undefined, 'fr-FR,fr;q=0.9,en;q=0.8,ja;q=0.7')).toBe('en');
    expect(pickLang(undefined, 'en;q=0.2, ja;q=0.8')).toBe('ja');
    expect(pickLang(undefined, 'en, ja')).toBe('en');
    expect(pickLang(undefined, 'en;q=0, fr')).toBe('ja');
    expect(pickLang(undefined, 'EN-gb')).toBe('en');
  });

  it('falls back to Japanese', () => {
    expect(pickLang(undefined, undefined)).toBe('ja');
    expect(pickLang(undefined, 'de, fr;q=0.5')).toBe('ja');
  });
});
