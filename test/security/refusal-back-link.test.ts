import { describe, expect, it } from 'vitest';
import { Refusal } from '../../src/domain/refusal';
import { refusalPage } from '../../src/web/pages/refusal-page';

/**
 * Kind: a link checked before it is normalised. A refusal page's way back (`options.back`) was
 * accepted when it began with one '/', then written through withLangParam, which resolves dot
 * segments: `/console/..//evil.example` passed the check and came out as `//evil.example?lang=en`,
 * a network-path reference a browser follows to another site (RFC 3986 4.2). Today's routes build
 * `back` from encoded ids or a raw request path, so no route is known to reach it, but the check
 * must hold for the link actually written, not for its input.
 */
const hrefOf = (page: string) => /data-testid="refusal-back"/.test(page) && /<a href="([^"]*)" data-testid="refusal-back"/.exec(page)?.[1];

describe('the refusal page links back only to this site', () => {
  for (const back of [
    '/console/..//evil.example',
    '/console/x/../..//evil.example/path',
    '/console/%2e%2e//evil.example',
    '/\t/evil.example',
    '//evil.example',
    'https://evil.example/',
  ]) {
    it(`never writes an off-site link for back=${JSON.stringify(back)}`, () => {
      for (const lang of ['ja', 'en'] as const) {
        const href = hrefOf(refusalPage(new Refusal('needs_role', { role: 'operator', back }), lang, 'changed'));
        expect(href).toBeTruthy();
        const resolved = new URL(String(href).replaceAll('&amp;', '&'), 'https://aizuchi.example/console/cases/1');
        expect(resolved.host).toBe('aizuchi.example');
        expect(String(href)).not.toMatch(/^\/\//);
      }
    });
  }

  it('keeps a same-site way back as it was given, with the language', () => {
    const href = hrefOf(refusalPage(new Refusal('needs_role', { role: 'operator', back: '/console/escalations/abc' }), 'ja', 'changed'));
    expect(href).toBe('/console/escalations/abc?lang=ja');
  });
});
