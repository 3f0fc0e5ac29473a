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
