import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type StoredCode, checkEntry, expiryFor, maySend } from './code-checks';
import { CODE_RULES, codeHmac, generateCode, hmacsEqual, isWellFormedCode } from './code-rules';

const key = Buffer.alloc(32, 7);
const now = new Date('2026-01-05T01:00:00Z');
const live = (over: Partial<StoredCode> = {}): StoredCode => ({
  hmac: codeHmac(key, 'case-1', '12675693'),
  expiresAt: expiryFor(new Date(now.getTime() - 60_000)),
  usedAt: null,
  invalidatedAt: null,
  failedAttempts: 0,
  ...over,
});
const entry = (digits: string, caseId = 'case-1') => codeHmac(key, caseId, digits);
const base = { now, accountFailures: 0, accountLocked: false };

describe('generateCode', () => {
  it('draws 8 digits from the given source and keeps leading zeros', () => {
    expect(generateCode(() => 42)).toBe('00000042');
    expect(generateCode((min, max) => max - 1)).toBe('99999999');
  });

  it('asks the source for the whole 8-digit range', () => {
    let range: [number, number] | null = null;
    generateCode((min, max) => {
      range = [min, max];
      return 0;
    });
    expect(range).toEqual([0, 100_000_000]);
  });

  it('the default source yields well-formed codes', () => {
    for (let i = 0; i < 50; i += 1) expect(isWellFormedCode(generateCode())).toBe(true);
  });
});

describe('codeHmac / hmacsEqual', () => {
  it('binds a code to its case', () => {
    expect(codeHmac(key, 'case-1', '12675693')).not.toBe(codeHmac(key, 'case-2', '12675693'));
    expect(codeHmac(key, 'case-1', '12675693')).not.toContain('12675693');
  });

  it('equal only for the same HMAC; different lengths and empty are unequal', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{8}$/), fc.stringMatching(/^[0-9]{8}$/), (a, b) => {
        expect(hmacsEqual(codeHmac(key, 'c', a), codeHmac(key, 'c', b))).toBe(a === b);
      }),
    );
    expect(hmacsEqual('abcd', 'abcdef')).toBe(false);
    expect(hmacsEqual('', '')).toBe(false);
  });
});

describe('checkEntry', () => {
  it('the right code before expiry is ok', () => {
    expect(checkEntry({ ...base, code: live(), enteredHmac: entry('12675693') })).toEqual({ result: 'ok' });
  });

  it('a code mailed for another case does not verify this one', () => {
    expect(checkEntry({ ...base, code: live(), enteredHmac: entry('12675693', 'case-2') }).result).toBe('wrong');
  });

  it('expired at exactly 10 minutes', () => {
    const sent = new Date(now.getTime() - CODE_RULES.validMs);
    expect(checkEntry({ ...base, code: live({ expiresAt: expiryFor(sent) }), enteredHmac: entry('12675693') })).toEqual({
      result: 'expired',
    });
    const justIn = new Date(now.getTime() - CODE_RULES.validMs + 1);
    expect(checkEntry({ ...base, code: live({ expiresAt: expiryFor(justIn) }), enteredHmac: entry('12675693') })).toEqual({ result: 'ok' });
  });

  it('single use; invalidated (resend, call end, cancel) and missing codes are dead', () => {
    expect(checkEntry({ ...base, code: live({ usedAt: now }), enteredHmac: entry('12675693') }).result).toBe('expired');
    expect(checkEntry({ ...base, code: live({ invalidatedAt: now }), enteredHmac: entry('12675693') }).result).toBe('expired');
    expect(checkEntry({ ...base, code: null, enteredHmac: entry('12675693') }).result).toBe('expired');
  });

  it('the 5th wrong entry invalidates the code; afterwards even the right code is refused', () => {
    expect(checkEntry({ ...base, code: live({ failedAttempts: 3 }), enteredHmac: entry('00000000') })).toEqual({
      result: 'wrong',
      invalidate: false,
      lockAccount: false,
    });
    expect(checkEntry({ ...base, code: live({ failedAttempts: 4 }), enteredHmac: entry('00000000') })).toEqual({
      result: 'wrong',
      invalidate: true,
      lockAccount: false,
    });
    expect(checkEntry({ ...base, code: live({ failedAttempts: 5 }), enteredHmac: entry('12675693') }).result).toBe('expired');
  });

  it('the 10th failure on the account in 24 h locks it; a locked account is refused even with the right code', () => {
    expect(checkEntry({ ...base, accountFailures: 9, code: live(), enteredHmac: entry('00000000') })).toEqual({
      result: 'locked',
      lockAccount: true,
    });
    expect(checkEntry({ ...base, accountLocked: true, code: live(), enteredHmac: entry('12675693') })).toEqual({
      result: 'locked',
      lockAccount: false,
    });
    expect(checkEntry({ ...base, accountFailures: 10, code: live(), enteredHmac: entry('12675693') })).toEqual({
      result: 'locked',
      lockAccount: true,
    });
  });

  it('a malformed entry (no HMAC) counts as wrong', () => {
    expect(checkEntry({ ...base, code: live(), enteredHmac: null }).result).toBe('wrong');
  });
});

describe('maySend', () => {
  it('at most 3 per request and 5 per account per 24 h', () => {
    expect(maySend({ sendsForRequest: 2, sendsForAccountInWindow: 4 })).toBe(true);
    expect(maySend({ sendsForRequest: 3, sendsForAccountInWindow: 3 })).toBe(false);
    expect(maySend({ sendsForRequest: 0, sendsForAccountInWindow: 5 })).toBe(false);
  });
});
