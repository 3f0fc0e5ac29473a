import { type CountryCode, ParseError, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { AizuchiError } from './errors';

/** Why a phone number was refused; callers map the reason to a message in the user's language. */
export type PhoneErrorReason = 'empty' | 'not_a_number' | 'invalid_country' | 'too_short' | 'too_long' | 'invalid';

export class PhoneNumberError extends AizuchiError {
  /** Why the number was refused (was `reason`). */
  declare readonly code: PhoneErrorReason;
  constructor(code: PhoneErrorReason) {
    super(`invalid phone number (${code})`, { code });
  }
}

const PARSE_REASONS: Record<string, PhoneErrorReason> = {
  NOT_A_NUMBER: 'not_a_number',
  INVALID_COUNTRY: 'invalid_country',
  TOO_SHORT: 'too_short',
  TOO_LONG: 'too_long',
  INVALID_LENGTH: 'invalid',
};

/**
 * Any way a person writes a number (090-1234-5678, 03-1234-5678, +81 90 1234 5678, full-width
 * digits) → E.164 (`+819012345678`). Uses the "max" metadata so validity is checked against the
 * real numbering plan, not just the length. Throws PhoneNumberError.
 */
export function normalizePhone(input: string, defaultRegion: CountryCode = 'JP'): string {
  // NFKC folds full-width digits, plus signs and hyphens to ASCII.
  const text = input.normalize('NFKC').trim();
  if (text === '') throw new PhoneNumberError('empty');
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(text, defaultRegion);
  } catch (err) {
    if (err instanceof ParseError) throw new PhoneNumberError(PARSE_REASONS[err.message] ?? 'invalid');
    throw err;
  }
  if (!parsed.isValid()) throw new PhoneNumberError('invalid');
  return parsed.number;
}

/** `+819012345678` → `+81 90-****-5678`: enough to recognise one's own number, not to dial it. */
export function maskPhone(e164: string): string {
  let groups: string[] = [];
  try {
    groups = parsePhoneNumberWithError(e164).formatInternational().split(' ');
  } catch {
    groups = [];
  }
  const [country, ...rest] = groups;
  if (country !== undefined && rest.length >= 3) {
    const first = rest[0] ?? '';
    const last = rest[rest.length - 1] ?? '';
    const middle = rest.slice(1, -1).map((g) => '*'.repeat(g.length));
    return `${country} ${[first, ...middle, last].join('-')}`;
  }
  // Unknown layout: keep only the last two digits.
  const digits = e164.replace(/\D/g, '');
  return `+${'*'.repeat(Math.max(digits.length - 2, 0))}${digits.slice(-2)}`;
}

/**
 * `taro.yamada@example.com` → `t***@example.com`: the one masking for addresses in logs, pages and
 * audit events. The first character is taken whole (not half a surrogate pair).
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${Array.from(email)[0] ?? ''}***${email.slice(at)}`;
}

/**
 * `+819012345678` → `090-1234-5678`: the number as dialled inside its country (libphonenumber's
 * national format), for an operator who revealed it (issue 10). The E.164 text itself when it does
 * not parse.
 */
export function formatPhoneNational(e164: string): string {
  try {
    return parsePhoneNumberWithError(e164).formatNational();
  } catch {
    return e164;
  }
}
