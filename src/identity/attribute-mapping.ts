import type { Lang } from '../domain/lang';
import { normalizePhone } from '../domain/phone';
import type { DirectoryAccount } from './provider';

/**
 * Where an external provider keeps the contact facts the policy needs, by attribute (Keycloak user
 * attribute, Okta profile property, Auth0 user_metadata key, Cognito attribute, Graph property). One
 * mapping for every adapter, from AIZUCHI_IDENTITY_* (src/config/); each adapter's README section
 * says which of its fields each name is looked up in.
 */
export interface AttributeMapping {
  /** The phone on record. AIZUCHI_IDENTITY_PHONE_ATTRIBUTE, default `phoneNumber`. */
  phone: string;
  /** A full name attribute; unset: the provider's own name fields (given + family). AIZUCHI_IDENTITY_NAME_ATTRIBUTE. */
  name: string | null;
  /** The name's kana reading. AIZUCHI_IDENTITY_NAME_KANA_ATTRIBUTE, default `nameKana`. */
  nameKana: string;
  /** The name's Latin spelling. AIZUCHI_IDENTITY_NAME_LATIN_ATTRIBUTE, default `nameLatin`. */
  nameLatin: string;
  /** The language (BCP 47: `ja`, `en-US`). AIZUCHI_IDENTITY_LANG_ATTRIBUTE, default `locale`. */
  lang: string;
  /** Used when the account names no language aizuchi speaks. AIZUCHI_IDENTITY_DEFAULT_LANG, default `ja`. */
  defaultLang: Lang;
  /**
   * The group or role that makes an account privileged (never recovered by the agent).
   * AIZUCHI_IDENTITY_PRIVILEGED, default `aizuchi-privileged`; adapters add the provider's own admin roles.
   */
  privileged: string;
}

export const DEFAULT_ATTRIBUTE_MAPPING: AttributeMapping = {
  phone: 'phoneNumber',
  name: null,
  nameKana: 'nameKana',
  nameLatin: 'nameLatin',
  lang: 'locale',
  defaultLang: 'ja',
  privileged: 'aizuchi-privileged',
};

/** An account's raw facts as an adapter read them, before normalisation. */
export interface RawDirectoryAccount {
  id: string;
  email: string;
  phone: string | null | undefined;
  /** The full name if the provider has one, else given and family names. */
  name?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  nameKana?: string | null;
  nameLatin?: string | null;
  lang?: string | null;
  privileged: boolean;
}

/**
 * Normalises what an adapter read into a DirectoryAccount: the email trimmed and lower-cased; the
 * phone as E.164 (Japanese numbers may be written nationally), '' when missing or unreadable — the
 * account then has no number on record and the policy never counts a call as reaching it; the
 * language from its primary subtag (`ja-JP` → `ja`), else the mapping's default; the name as written,
 * or family + given (Japanese order) for Japanese accounts and given + family otherwise.
 */
export function toDirectoryAccount(raw: RawDirectoryAccount, mapping: Pick<AttributeMapping, 'defaultLang'>): DirectoryAccount {
  const primary = raw.lang?.trim().toLowerCase().split(/[-_]/)[0];
  const lang: Lang = primary === 'ja' || primary === 'en' ? primary : mapping.defaultLang;
  const given = raw.givenName?.trim() ?? '';
  const family = raw.familyName?.trim() ?? '';
  const parts = lang === 'ja' ? [family, given] : [given, family];
  const name = raw.name?.trim() || parts.filter(Boolean).join(' ');
  return {
    id: raw.id,
    email: raw.email.trim().toLowerCase(),
    phoneE164: phoneOrEmpty(raw.phone),
    lang,
    name,
    nameKana: raw.nameKana?.trim() || null,
    nameLatin: raw.nameLatin?.trim() || null,
    privileged: raw.privileged,
  };
}

function phoneOrEmpty(phone: string | null | undefined): string {
  if (!phone?.trim()) return '';
  try {
    return normalizePhone(phone);
  } catch {
    return '';
  }
}
