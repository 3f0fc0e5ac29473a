import { describe, expect, it } from 'vitest';
import { CODE_CORRECTIONS, EMAIL_CORRECTIONS } from './test-sets/corrections';
import { CONTENT_FREE_TURNS } from './test-sets/content-free';
import { parserTestSets, readsRight, type ParserCase } from './test-sets';

// The bench's accuracy table reads the tests' own arrays; here only that it counts them all and can tell wrong from right.
describe('parser test sets for the bench', () => {
  it('has every kind in both languages, and counts each case of the shared arrays once', () => {
    const sets = parserTestSets();
    expect(sets.map((s) => `${s.kind} ${s.lang}`).sort()).toEqual(
      ['code en', 'code ja', 'content_free en', 'content_free ja', 'correction en', 'correction ja', 'email en', 'email ja'].sort(),
    );
    for (const set of sets) expect(set.cases.length).toBeGreaterThan(0);
    const corrections = sets.filter((s) => s.kind === 'correction').reduce((n, s) => n + s.cases.length, 0);
    expect(corrections).toBe(CODE_CORRECTIONS.length + EMAIL_CORRECTIONS.length);
    const contentFree = sets.filter((s) => s.kind === 'content_free').reduce((n, s) => n + s.cases.length, 0);
    expect(contentFree).toBe(CONTENT_FREE_TURNS.length);
  });

  it('scores a reading that differs from the expectation as wrong', () => {
    const code: ParserCase = {
      lang: 'ja',
      turns: ['さんろくきゅうご', 'ごななななに', '違います、いち'],
      want: { reader: 'digits', digits: '36955771' },
    };
    expect(readsRight(code)).toBe(true);
    expect(readsRight({ ...code, want: { reader: 'digits', digits: '36955772' } })).toBe(false);
    const address: ParserCase = {
      lang: 'en',
      turns: ['m a t', 'you', 't y', 'at gmail dot com'],
      want: { reader: 'email', email: 'matty@gmail.com' },
    };
    expect(readsRight(address)).toBe(true);
    expect(readsRight({ ...address, want: { reader: 'email', email: 'matuty@gmail.com' } })).toBe(false);
    expect(readsRight({ ...address, want: { reader: 'email', email: null, status: 'incomplete' } })).toBe(false);
  });
});
