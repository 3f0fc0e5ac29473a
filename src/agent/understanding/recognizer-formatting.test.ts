import { describe, expect, it } from 'vitest';
import { readDigits } from './digits';
import { EN_FORMATTED_CODES } from './test-sets/codes';

// Issue 9, "Numbers formatted or misheard by the recognizer".
describe('codes formatted or misheard by the recogniser', () => {
  it.each(EN_FORMATTED_CODES)('%j → %s', (turns, want) => {
    expect(readDigits(turns, 'en')).toEqual({ digits: want, complete: true });
  });

  it('names the formatted part when the length cannot decide', () => {
    // 1,2,3 + (5,6 | 5,0,6): neither reading makes 8 digits.
    expect(readDigits(['one two three 5:06'], 'en')).toEqual({ digits: '123506', complete: false, unclear: '5:06' });
  });

  it('homophones away from numbers stay words', () => {
    expect(readDigits(['I am going to read it', 'one two'], 'en').digits).toBe('12');
  });
});
