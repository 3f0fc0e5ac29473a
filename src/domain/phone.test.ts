import { describe, expect, it } from 'vitest';
import { PhoneNumberError, formatPhoneNational, maskEmail, maskPhone, normalizePhone } from './phone';

describe('normalizePhone', () => {
  it.each([
    ['090-1234-5678', '+819012345678'],
    ['09012345678', '+819012345678'],
    ['0312345678', '+81312345678'],
    ['03-1234-5678', '+81312345678'],
    ['(03) 1234-5678', '+81312345678'],
    ['+81 90 1234 5678', '+819012345678'],
    ['+81-90-1234-5678', '+819012345678'],
    ['０９０－１２３４－５６７８', '+819012345678'],
    ['＋８１ ９０ １２３４ ５６７８', '+819012345678'],
    ['  080 9876 5432 ', '+818098765432'],
    ['050-1234-5678', '+815012345678'],
    ['0120-123-456', '+81120123456'],
    ['+1 415 555 2671', '+14155552671'],
  ])('%s → %s', (input, e164) => {
    expect(normalizePhone(input)).toBe(e164);
  });

  it('reads national numbers in the given region', () => {
    expect(normalizePhone('(415) 555-2671', 'US')).toBe('+14155552671');
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['abc', 'not_a_number'],
    ['12345', 'invalid'],
    ['090-1234-567', 'invalid'],
  ])('rejects %j (%s)', (input, reason) => {
    let caught: unknown;
    try {
      normalizePhone(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PhoneNumberError);
    expect((caught as PhoneNumberError).code).toBe(reason);
  });
});

describe('maskPhone', () => {
  it('keeps the first group and the last four digits', () => {
    expect(maskPhone('+819012345678')).toBe('+81 90-****-5678');
    expect(maskPhone('+81312345678')).toBe('+81 3-****-5678');
    expect(maskPhone('+14155552671')).toBe('+1 415-***-2671');
  });

  it('hides all but two digits of something it cannot parse', () => {
    expect(maskPhone('+999')).toBe('+*99');
  });

  it('never contains the full number', () => {
    expect(maskPhone('+819012345678')).not.toContain('1234');
  });
});

describe('maskEmail', () => {
  it('keeps the first character and the domain', () => {
    expect(maskEmail('taro.yamada@example.com')).toBe('t***@example.com');
  });
  it('keeps a first character outside the BMP whole', () => {
    expect(maskEmail('𠮷野@example.jp')).toBe('𠮷***@example.jp');
  });
  it('masks something that is not an address entirely', () => {
    expect(maskEmail('nonsense')).toBe('***');
  });
});

describe('formatPhoneNational', () => {
  it('writes a number as dialled in its country', () => {
    expect(formatPhoneNational('+819012345678')).toBe('090-1234-5678');
    expect(formatPhoneNational('+81312345678')).toBe('03-1234-5678');
    expect(formatPhoneNational('not a number')).toBe('not a number');
  });
});
