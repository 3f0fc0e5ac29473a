import { isLang } from '../domain/lang';
import type { AccountsTable } from '../store/schema';
import { type Account, isPrivilegedRole, isRole } from './types';

/** Row → the public Account shape; unknown enum values fall back to the safest reading. */
export function toAccount(row: AccountsTable): Account {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    nameKana: row.name_kana ?? null,
    nameLatin: row.name_latin ?? null,
    phoneE164: row.phone_e164,
    lang: isLang(row.lang) ? row.lang : 'ja',
    role: isRole(row.role) ? row.role : 'customer',
    mfaEnabled: row.mfa_enabled === 1,
    mfaEnrollRequired: row.mfa_enroll_required === 1,
    // From the stored role as written (an unknown role is privileged), not the legacy `privileged` column.
    privileged: isPrivilegedRole(row.role),
    enrolmentFrozen: row.enrolment_frozen_at != null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Emails are compared trimmed and lower-cased (the form, the CLI and the agent all normalise the same way). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** SQLite and PostgreSQL report a unique-constraint violation differently. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown } | null;
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e?.code === '23505';
}
