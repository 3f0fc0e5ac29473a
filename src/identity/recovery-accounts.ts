import { type Lang, isLang } from '../domain/lang';
import type { IdentityProvider } from './provider';
import type { IdentityService } from './service';

/** An account as the recovery flow sees it (structurally `AccountForRecovery` in cases/recovery-request). */
export interface RecoveryAccount {
  id: string;
  email: string;
  phoneE164: string;
  lang: Lang;
  name: string;
}

/**
 * The embedded identity service seen through the recovery flow's `AccountLookup` port: only what a
 * recovery request needs (contact details, a password check), never hashes or MFA state.
 * Defined here, not in cases/, so identity stays a leaf the cases area depends on.
 */
export function recoveryAccounts(identity: Pick<IdentityService, 'findAccountByEmail' | 'findAccountsByPhone' | 'verifyPassword'>): {
  findByEmail(email: string): Promise<RecoveryAccount | null>;
  findByPhone(phoneE164: string): Promise<RecoveryAccount[]>;
  passwordMatches(email: string, password: string): Promise<boolean>;
} {
  return {
    async findByEmail(email) {
      const a = await identity.findAccountByEmail(email);
      // A row written before `lang` was validated falls back to Japanese, the product's first language.
      return a ? { id: a.id, email: a.email, phoneE164: a.phoneE164, lang: isLang(a.lang) ? a.lang : 'ja', name: a.name } : null;
    },
    async findByPhone(phoneE164) {
      const found = await identity.findAccountsByPhone(phoneE164);
      return found.map((a) => ({ id: a.id, email: a.email, phoneE164: a.phoneE164, lang: isLang(a.lang) ? a.lang : 'ja', name: a.name }));
    },
    // verifyPassword hashes a dummy when the account is missing, so both answers take the same time.
    passwordMatches: async (email, password) => (await identity.verifyPassword(email, password)) !== null,
  };
}

/**
 * An external provider seen through the recovery flow's `AccountLookup` port: accounts by email only.
 * `passwordMatches` is always false: aizuchi never receives an external account's password (its own
 * sign-in page checks it and sends a signed hand-off instead), so a password typed into our form is
 * no evidence. No lookup by phone: providers cannot search attributes alike, and the warning it feeds
 * is optional.
 */
export function directoryAccounts(provider: Pick<IdentityProvider, 'findByEmail'>): {
  findByEmail(email: string): Promise<RecoveryAccount | null>;
  passwordMatches(email: string, password: string): Promise<boolean>;
} {
  return {
    async findByEmail(email) {
      const a = await provider.findByEmail(email);
      return a ? { id: a.id, email: a.email, phoneE164: a.phoneE164, lang: a.lang, name: a.name } : null;
    },
    passwordMatches: async () => false,
  };
}
