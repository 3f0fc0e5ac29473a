import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { cleanTotpInput, matchTotpStep, newTotpSecret, totpCode, totpUri } from './totp';

// RFC 6238 Appendix B: seeds are the ASCII digits repeated to the hash's key length.
const SEEDS = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const;

const VECTORS: Array<[number, string, keyof typeof SEEDS]> = [
  [59, '94287082', 'SHA1'],
  [59, '46119246', 'SHA256'],
  [59, '90693936', 'SHA512'],
  [1111111109, '07081804', 'SHA1'],
  [1111111109, '68084774', 'SHA256'],
  [1111111109, '25091201', 'SHA512'],
  [1111111111, '14050471', 'SHA1'],
  [1111111111, '67062674', 'SHA256'],
  [1111111111, '99943326', 'SHA512'],
  [1234567890, '89005924', 'SHA1'],
  [1234567890, '91819424', 'SHA256'],
  [1234567890, '93441116', 'SHA512'],
  [2000000000, '69279037', 'SHA1'],
  [2000000000, '90698825', 'SHA256'],
  [2000000000, '38618901', 'SHA512'],
  [20000000000, '65353130', 'SHA1'],
  [20000000000, '77737706', 'SHA256'],
  [20000000000, '47863826', 'SHA512'],
];

describe('RFC 6238 Appendix B test vectors', () => {
  it.each(VECTORS)('T=%i → %s (%s, 8 digits)', (unixSec, expected, algorithm) => {
    const secret = Secret.fromLatin1(SEEDS[algorithm]);
    const code = TOTP.generate({ secret, algorithm, digits: 8, period: 30, timestamp: unixSec * 1000 });
    expect(code).toBe(expected);
  });

  it.each(VECTORS.filter(([, , a]) => a === 'SHA1'))('our 6-digit SHA1 code at T=%i is the vector mod 10^6', (unixSec, expected) => {
    const base32 = Secret.fromLatin1(SEEDS.SHA1).base32;
    expect(totpCode(base32, new Date(unixSec * 1000))).toBe(expected.slice(-6));
  });
});

describe('matchTotpStep', () => {
  const secret = Secret.fromLatin1(SEEDS.SHA1).base32;
  const at = new Date(1111111111 * 1000);
  const step = Math.floor(1111111111 / 30);

  it('accepts the current code and tells its step', () => {
    expect(matchTotpStep(secret, totpCode(secret, at), at)).toBe(step);
  });

  it('accepts one step either side, not two', () => {
    const prev = totpCode(secret, new Date(at.getTime() - 30_000));
    const next = totpCode(secret, new Date(at.getTime() + 30_000));
    const old = totpCode(secret, new Date(at.getTime() - 60_000));
    expect(matchTotpStep(secret, prev, at)).toBe(step - 1);
    expect(matchTotpStep(secret, next, at)).toBe(step + 1);
    expect(matchTotpStep(secret, old, at)).toBeNull();
  });

  it('takes spaced and full-width input but refuses wrong lengths and letters', () => {
    const code = totpCode(secret, at);
    const fullWidth = [...code].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    expect(matchTotpStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, at)).toBe(step);
    expect(matchTotpStep(secret, fullWidth, at)).toBe(step);
    expect(matchTotpStep(secret, code.slice(0, 5), at)).toBeNull();
    expect(matchTotpStep(secret, 'abcdef', at)).toBeNull();
    expect(cleanTotpInput(' 12-34 56 ')).toBe('123456');
  });
});

describe('enrolment URI', () => {
  it('is the Google Authenticator key-uri format', () => {
    const secret = newTotpSecret();
    const uri = new URL(totpUri('Example Co', 'taro@example.com', secret));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Example Co:taro@example.com');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Example Co');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });

  it('makes 160-bit base32 secrets that differ', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(a);
  });
});
