import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OUTCOME_WORDS, outcomeWords } from './outcome-words';

describe('outcome words', () => {
  it('the page script says every outcome exactly as the final page does (one vocabulary)', async () => {
    // A browser module: imported by URL so the type checker does not try to read it as TypeScript.
    const url = pathToFileURL(new URL('../../client/softphone/texts.js', import.meta.url).pathname).href;
    const { OUTCOMES } = (await import(url)) as { OUTCOMES: unknown };
    expect(OUTCOMES).toEqual(OUTCOME_WORDS);
  });

  it('falls back to a plain "ended" sentence for no or an unknown outcome', () => {
    expect(outcomeWords('en', null)).toBe('This request has ended.');
    expect(outcomeWords('ja', 'something_new')).toBe('このご依頼は終了しました。');
    expect(outcomeWords('ja', 'mfa_reset')).toContain('多要素認証（MFA）を解除しました');
  });
});

describe('the softphone page language switch (issue 13)', () => {
  const view = { caseState: 'scheduled', scheduledAt: '2026-12-01T01:00:00Z', outcome: null };
  it('links to its own path with only ?lang= (the token never in a query); the call keeps the case language', async () => {
    const { softphonePage, softphoneFinalPage } = await import('./softphone-page');
    const en = softphonePage({
      lang: 'en',
      callLang: 'ja',
      token: 'tok123',
      assetBase: '/softphone/assets/',
      view,
      timeZone: 'Asia/Tokyo',
      switchPath: '',
    });
    expect(en).toContain('data-testid="lang-switch" href="?lang=ja"');
    expect(en).toContain('data-lang="en" data-call-lang="ja"');
    expect(en).toContain('Keep this page open');
    const final = softphoneFinalPage('ja', { caseState: 'cancelled', outcome: 'cancelled' }, '');
    expect(final).toContain('href="?lang=en"');
    expect(final).not.toContain('tok123');
  });
});
