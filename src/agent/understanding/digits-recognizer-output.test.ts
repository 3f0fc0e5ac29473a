import { describe, expect, it } from 'vitest';
import { readDigits } from './digits';
import { EN_CODES, JA_CODES } from './test-sets/codes';

describe('readDigits on Japanese recogniser output', () => {
  it.each(JA_CODES)('%s', (_name, turns, digits) => {
    expect(readDigits(turns, 'ja')).toEqual({ digits, complete: digits.length === 8 });
  });
});

describe('readDigits on English recogniser output', () => {
  it.each(EN_CODES)('%s', (_name, turns, digits) => {
    expect(readDigits(turns, 'en')).toEqual({ digits, complete: digits.length === 8 });
  });
});

describe('completeness', () => {
  it('is exact length only', () => {
    expect(readDigits(['1267'], 'ja').complete).toBe(false);
    expect(readDigits(['126756931'], 'ja')).toEqual({ digits: '126756931', complete: false });
    expect(readDigits(['いちにさんよんごろく'], 'ja', 6)).toEqual({ digits: '123456', complete: true });
  });
});
