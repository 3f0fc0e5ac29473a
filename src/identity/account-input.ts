import { z } from 'zod';
import { type Lang, isLang } from '../domain/lang';
import { PhoneNumberError, normalizePhone } from '../domain/phone';
import { normalizeEmail } from './account-rows';
import { AccountInputError } from './errors';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password';
import { type Role, isRole } from './types';

export interface CreateAccountInput {
  email: string;
  password: string;
  name: string;
  /** The name's kana reading (フリガナ), e.g. 'イノマタ タロウ'; optional. */
  nameKana?: string | null;
  /** The name in Latin letters, e.g. 'Taro Inomata'; optional. */
  nameLatin?: string | null;
  phone: string;
  lang?: string;
  /** Enrol TOTP now and hand back the otpauth:// URI. */
  mfa?: boolean;
  role?: string;
}

export interface ValidAccountInput {
  email: string;
  password: string;
  name: string;
  nameKana: string | null;
  nameLatin: string | null;
  phoneE164: string;
  lang: Lang;
  role: Role;
  mfa: boolean;
}

// Kana (either script, with ー ・ ゛ and spaces) and Latin letters (with the marks names carry: - ' .).
const KANA_NAME = /^[\p{Script=Hiragana}\p{Script=Katakana}ー・\s]+$/u;
const LATIN_NAME = /^[\p{Script=Latin}\p{M}\s'’.-]+$/u;

/**
 * A name's reading: NFKC-normalised (half-width kana become full-width), spaces collapsed; empty → null.
 * Throws AccountInputError when it has other characters or more than 200 of them.
 */
function nameReading(value: string | null | undefined, field: 'nameKana' | 'nameLatin'): string | null {
  const text = (value ?? '').normalize('NFKC').replace(/\s+/gu, ' ').trim();
  if (text === '') return null;
  if (text.length > 200) throw new AccountInputError(field, 'must be at most 200 characters');
  if (field === 'nameKana' && !KANA_NAME.test(text)) throw new AccountInputError(field, 'must be written in kana (e.g. イノマタ タロウ)');
  if (field === 'nameLatin' && !LATIN_NAME.test(text))
    throw new AccountInputError(field, 'must be written in Latin letters (e.g. Taro Inomata)');
  return text;
}

const emailSchema = z.email().max(254);

/** Checks and normalises every field; throws AccountInputError naming the first bad one. */
export function validateAccountInput(input: CreateAccountInput): ValidAccountInput {
  const email = normalizeEmail(input.email);
  if (!emailSchema.safeParse(email).success) throw new AccountInputError('email', 'email address is not valid');
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AccountInputError('password', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (input.password.length > MAX_PASSWORD_LENGTH) {
    throw new AccountInputError('password', `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  const name = input.name.trim();
  if (name === '' || name.length > 200) throw new AccountInputError('name', 'name must be 1 to 200 characters');
  let phoneE164: string;
  try {
    phoneE164 = normalizePhone(input.phone);
  } catch (err) {
    if (err instanceof PhoneNumberError) throw new AccountInputError('phone', `phone number is not valid (${err.code})`);
    throw err;
  }
  const lang = input.lang ?? 'ja';
  if (!isLang(lang)) throw new AccountInputError('lang', 'lang must be ja or en');
  const role = input.role ?? 'customer';
  if (!isRole(role)) throw new AccountInputError('role', 'role must be customer or operator');
  const nameKana = nameReading(input.nameKana, 'nameKana');
  const nameLatin = nameReading(input.nameLatin, 'nameLatin');
  return { email, password: input.password, name, nameKana, nameLatin, phoneE164, lang, role, mfa: input.mfa ?? false };
}
