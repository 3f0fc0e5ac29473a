import type { Lang } from '../domain/lang';

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

/**
 * The narrow surface the recovery flow uses to act on an account. The embedded provider implements
 * it over our own tables; adapters for external identity providers implement the same.
 */
export interface IdentityProvider {
  /**
   * Clears the TOTP secret, turns MFA off and requires a new device at the next sign-in. Safe to
   * repeat (the reset job runs at least once). Rejects for an unknown account rather than reporting
   * a reset that did not happen.
   */
  removeMfaAndRequireNewDevice(accountId: string): Promise<void>;
  /** Ends every session of the account (and only that account's). Safe to repeat. */
  revokeSessions(accountId: string): Promise<void>;
  /**
   * Refuses enrolment of any new factor until unfrozen ("this wasn't me" after a reset: whoever
   * signs in next must not get to register their own authenticator).
   */
  freezeEnrolment(accountId: string): Promise<void>;
  /** Lifts the freeze; an operator's decision after review. */
  unfreezeEnrolment(accountId: string): Promise<void>;
  /** null when the account does not exist. */
  getContact(accountId: string): Promise<IdentityContact | null>;
  /**
   * Whether the account completed a full sign-in (password and MFA) strictly after `since`. The
   * strict policy's cooling-off cancels a scheduled reset on one: whoever signed in still holds the
   * factors (SECURITY.md). False for an unknown account.
   */
  signedInSince(accountId: string, since: Date): Promise<boolean>;
}
