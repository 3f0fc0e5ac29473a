import type { IdentityKind } from '../domain/identity-kind';
import type { Lang } from '../domain/lang';

export { IDENTITY_KINDS, type IdentityKind } from '../domain/identity-kind';

/** What the agent and notifications need to reach the account holder. */
export interface IdentityContact {
  email: string;
  phoneE164: string;
  lang: Lang;
  /** The name as written on record (kanji for most Japanese accounts). */
  name: string;
  /**
   * How to say the name: its kana reading (フリガナ) for Japanese calls, its Latin spelling (romaji) for
   * English ones. Absent when the provider keeps none; the agent then avoids reading a name it cannot
   * pronounce in the call's language (issue 9).
   */
  nameKana?: string | null;
  nameLatin?: string | null;
  privileged: boolean;
}

/** An account found in the provider: its id there (opaque to aizuchi) and its contact facts. */
export interface DirectoryAccount extends IdentityContact {
  /** The provider's own user id (Keycloak/Okta/Entra id, Auth0 `user_id`, Cognito `sub`, embedded UUID). */
  id: string;
}

/** The kinds of second factor aizuchi tells apart; anything else a provider has is `other`. */
export const MFA_FACTOR_TYPES = ['totp', 'webauthn', 'sms', 'push', 'email', 'other'] as const;
export type MfaFactorType = (typeof MFA_FACTOR_TYPES)[number];

/** One enrolled second factor, as the provider names it. Never holds a secret. */
export interface MfaFactor {
  /** The provider's id for the factor (Keycloak credential id, Okta factor id, …). */
  id: string;
  type: MfaFactorType;
  /** What the owner called it ("iPhone", "YubiKey"), when the provider keeps a label. */
  label?: string;
}

/**
 * Whether a normal sign-in happened after an instant. `unknown` when the provider cannot tell (no
 * sign-in history it exposes); the strict policy then treats it as a sign-in (SECURITY.md: an
 * unverifiable "nobody signed in" never lets a scheduled reset go ahead).
 */
export type SignInSince = boolean | 'unknown';

/**
 * The surface the recovery flow uses to find and act on an account. The embedded provider implements
 * it over our own tables; an adapter per external provider (src/identity/<provider>/) implements the
 * same and runs the same conformance suite (identity-provider.conformance.ts).
 *
 * Every method may reject with an IdentityProviderError (provider-errors.ts) whose `retryable` says
 * whether trying again can help; adapters retry transient failures once, in one place
 * (provider-retry.ts), before rejecting. Account ids are the provider's own. A password check is not
 * part of it: an external provider's own sign-in page checks passwords (the signed hand-off).
 */
export interface IdentityProvider {
  /** Which provider this is; recorded in the case history with each reset step. */
  readonly kind: IdentityKind;
  /**
   * The account whose email is `email` (compared case-insensitively, trimmed), read through the
   * attribute mapping; null when none. When the provider holds several (it should not), null: the
   * recovery flow must never guess which person it is talking to.
   */
  findByEmail(email: string): Promise<DirectoryAccount | null>;
  /** null when the account does not exist. */
  getContact(accountId: string): Promise<IdentityContact | null>;
  /** The account's enrolled second factors (empty when none). Rejects with AccountNotFoundError for an unknown account. */
  listMfaFactors(accountId: string): Promise<MfaFactor[]>;
  /**
   * Removes every second factor the account has enrolled. Safe to repeat (the reset job runs at
   * least once). Rejects with AccountNotFoundError for an unknown account rather than reporting a
   * removal that did not happen.
   */
  removeMfaFactors(accountId: string): Promise<void>;
  /**
   * Makes the next sign-in enrol a new factor before it completes (Keycloak: required action
   * CONFIGURE_TOTP; embedded: mfa_enroll_required). Safe to repeat; rejects for an unknown account.
   * The reset calls it before removeMfaFactors, so no moment exists where a password alone signs in.
   */
  requireNewFactor(accountId: string): Promise<void>;
  /**
   * Ends every session of the account (and only that account's) and revokes its refresh tokens, so
   * no device stays signed in. Safe to repeat.
   */
  revokeSessions(accountId: string): Promise<void>;
  /**
   * Refuses enrolment of any new factor until unfrozen ("this wasn't me" after a reset: whoever
   * signs in next must not get to register their own authenticator). Each adapter documents how it
   * maps this (a disabled user, a required action, a group).
   */
  freezeEnrolment(accountId: string): Promise<void>;
  /** Lifts the freeze; an operator's decision after review. */
  unfreezeEnrolment(accountId: string): Promise<void>;
  /**
   * Whether the account completed a full sign-in (password and MFA) strictly after `since`. The
   * strict policy's cooling-off cancels a scheduled reset on one: whoever signed in still holds the
   * factors (SECURITY.md). False for an unknown account; `unknown` when the provider cannot tell.
   */
  signedInSince(accountId: string, since: Date): Promise<SignInSince>;
}
