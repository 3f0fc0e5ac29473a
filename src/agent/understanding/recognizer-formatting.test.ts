import { describe, expect, it } from 'vitest';
import { readDigits } from './digits';

// Issue 9, "Numbers formatted or misheard by the recognizer".
describe('codes formatted or misheard by the recogniser', () => {
  it.each([
    // Issue lines.
    [['one two three four 5:06 seven eight'], '12345678'],
    [['seven tutu four', 'eight one nine zero'], '72248190'],
    // Other members of the kind: the code length decides the clock reading.
    [['one two 3:04 five six seven'], '12304567'],
    [['1:02 three four five six seven'], '10234567'],
    [['one two three four five', '6:07'], '12345607'],
    [['one two three four five six 7:08'], '12345678'],
    [['seven to to four', 'eight one nine zero'], '72248190'],
    [['one too three for five six seven ate'], '12345678'],
    [['tutu tutu', 'three four five six'], '22223456'],
    [['one two three four 5.06 seven eight'], '12345678'],
    [['seven for for for one two three four'], '74441234'],
  ] as const)('%j → %s', (turns, want) => {
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
