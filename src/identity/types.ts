import type { Lang } from '../domain/lang';

export const ROLES = ['customer', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return value === 'customer' || value === 'operator';
}

/**
 * Privilege follows from what an account can do, never from an opt-in flag (issue 7, finding 1;
 * SECURITY.md "privileged accounts"): every role but `customer` can act on other accounts (today
 * operators; any role added later is privileged unless it is explicitly a customer's). Privileged
 * accounts never recover through the agent and never sign in without a second factor.
 */
export function isPrivilegedRole(role: string): boolean {
  return role !== 'customer';
}

/** An account as the rest of the app sees it: no hashes, no secrets. */
export interface Account {
  id: string;
  email: string;
  name: string;
  /** The name's kana reading (フリガナ) and Latin spelling, when given: how a call says it (issue 9). */
  nameKana: string | null;
  nameLatin: string | null;
  phoneE164: string;
  lang: Lang;
  role: Role;
  mfaEnabled: boolean;
  mfaEnrollRequired: boolean;
  /** Derived from the role (isPrivilegedRole), never stored as a choice. */
  privileged: boolean;
  /** No new factor may be enrolled ("this wasn't me" after a reset) until an operator unfreezes it. */
  enrolmentFrozen: boolean;
  createdAt: string;
  updatedAt: string;
}

/** 'password': password accepted, second factor (or enrolment) still due. 'full': signed in. */
export type SessionStage = 'password' | 'full';

export interface SessionInfo {
  accountId: string;
  stage: SessionStage;
  /** ISO-8601 UTC time the password was last checked for this session chain. */
  passwordVerifiedAt: string | null;
  expiresAt: string;
  /** What /console/sessions shows and revokes (migration 015); not the lookup hash. */
  publicId: string;
  /** ISO time of the last full authentication (TOTP at sign-in, or a re-authentication); null before it. */
  authAt: string | null;
  /** ISO time of the last request the session served (idle expiry, checked at the console's gate). */
  lastSeenAt: string;
  createdAt: string;
  /** The User-Agent the session was opened with (migration 019); null when unknown. */
  userAgent: string | null;
}

/** Why a sign-in step failed; the web layer turns these into messages. */
export type AttemptFailure = 'invalid' | 'rate_limited' | 'privileged_without_mfa';
