import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountNotFoundError } from './errors';
import { type IdentityContact, type IdentityProvider, MFA_FACTOR_TYPES } from './provider';

/** What the provider's own directory says about an account (its admin view, not the interface). */
export interface AccountState {
  /** At least one second factor is enrolled. */
  readonly mfaEnabled: boolean;
  /** The next sign-in must enrol a new factor (Keycloak CONFIGURE_TOTP, Okta's enrolment policy, …). */
  readonly newDeviceRequired: boolean;
  /** No new factor may be enrolled (the adapter's mapping of freezeEnrolment). */
  readonly enrolmentFrozen: boolean;
}

/** What a provider's test file hands the suite for one test. */
export interface IdentityProviderConformanceSetup {
  readonly provider: IdentityProvider;
  /**
   * Creates an account with an enrolled authenticator in the provider (its local protocol server for
   * an external one), its attributes written where the adapter's mapping reads them; returns its id.
   */
  seedAccount(contact: IdentityContact): Promise<string>;
  /** Signs the account in once (password and MFA); returns a handle for `sessionActive`. */
  signIn(accountId: string): Promise<string>;
  sessionActive(session: string): Promise<boolean>;
  accountState(accountId: string): Promise<AccountState>;
  /** The provider stores kana/Latin name readings (the embedded provider does not). */
  readonly keepsNameReadings?: boolean;
  /** The provider can tell whether a sign-in happened after an instant; false: signedInSince may say 'unknown'. Default true. */
  readonly knowsSignIns?: boolean;
  teardown?(): Promise<void> | void;
}

const TARO: IdentityContact = {
  email: 'taro.yamada@example.com',
  phoneE164: '+819012345678',
  lang: 'ja',
  name: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  nameLatin: 'Taro Yamada',
  privileged: false,
};
const ALICE: IdentityContact = {
  email: 'alice@example.com',
  phoneE164: '+14155550123',
  lang: 'en',
  name: 'Alice Example',
  privileged: true,
};
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const UNFROZEN_WITH_MFA: AccountState = { mfaEnabled: true, newDeviceRequired: false, enrolmentFrozen: false };
const RESET: AccountState = { mfaEnabled: false, newDeviceRequired: true, enrolmentFrozen: false };

/**
 * Registers the behaviour provider.ts promises of every IdentityProvider — the embedded provider on
 * SQLite and PostgreSQL, and each external adapter against its provider's local protocol server:
 * accounts found by email, contacts as stored (through the attribute mapping), null for an unknown
 * account, factors listed and removed, a new factor required, sessions revoked and enrolment frozen
 * for the one account only and safely repeated (jobs run at least once), and whether an account
 * signed in since an instant. Call it inside a test file.
 */
export function identityProviderConformance(
  name: string,
  makeSetup: () => Promise<IdentityProviderConformanceSetup> | IdentityProviderConformanceSetup,
): void {
  describe(`IdentityProvider conformance: ${name}`, () => {
    let setup: IdentityProviderConformanceSetup;
    /** The contact as this provider can give it back: readings only where it keeps them. */
    const expected = (c: IdentityContact): IdentityContact => ({
      ...c,
      nameKana: setup.keepsNameReadings ? (c.nameKana ?? null) : null,
      nameLatin: setup.keepsNameReadings ? (c.nameLatin ?? null) : null,
    });
    const read = (c: IdentityContact | null) => c && { ...c, nameKana: c.nameKana ?? null, nameLatin: c.nameLatin ?? null };

    beforeEach(async () => {
      setup = await makeSetup();
    });

    afterEach(async () => {
      await setup.teardown?.();
    });

    it('returns the contact of an account as stored', async () => {
      const taro = await setup.seedAccount(TARO);
      const alice = await setup.seedAccount(ALICE);
      expect(read(await setup.provider.getContact(taro))).toEqual(expected(TARO));
      expect(read(await setup.provider.getContact(alice))).toEqual(expected(ALICE));
    });

    it('finds an account by its email, trimmed and in any case, and nothing for another', async () => {
      const taro = await setup.seedAccount(TARO);
      await setup.seedAccount(ALICE);
      const found = await setup.provider.findByEmail('  Taro.Yamada@EXAMPLE.com ');
      expect(found && { ...read(found), id: found.id }).toEqual({ ...expected(TARO), id: taro });
      expect(await setup.provider.findByEmail('nobody@example.com')).toBeNull();
      // No partial matches: a search API's prefix match must not find taro.
      expect(await setup.provider.findByEmail('taro@example.com')).toBeNull();
    });

    it('returns null for an account that does not exist', async () => {
      await setup.seedAccount(TARO);
      expect(await setup.provider.getContact(UNKNOWN_ID)).toBeNull();
    });

    it('lists the enrolled factors with a known type, and none after they are removed', async () => {
      const taro = await setup.seedAccount(TARO);
      const factors = await setup.provider.listMfaFactors(taro);
      expect(factors.length).toBeGreaterThan(0);
      for (const f of factors) {
        expect(MFA_FACTOR_TYPES).toContain(f.type);
        expect(f.id).not.toBe('');
      }
      await setup.provider.removeMfaFactors(taro);
      expect(await setup.provider.listMfaFactors(taro)).toEqual([]);
      await expect(setup.provider.listMfaFactors(UNKNOWN_ID)).rejects.toBeInstanceOf(AccountNotFoundError);
    });

    it('requires a new factor and removes the old ones for that account only', async () => {
      const taro = await setup.seedAccount(TARO);
      const alice = await setup.seedAccount(ALICE);
      expect(await setup.accountState(taro)).toEqual(UNFROZEN_WITH_MFA);
      await setup.provider.requireNewFactor(taro);
      await setup.provider.removeMfaFactors(taro);
      expect(await setup.accountState(taro)).toEqual(RESET);
      expect(await setup.accountState(alice)).toEqual(UNFROZEN_WITH_MFA);
      expect(read(await setup.provider.getContact(taro))).toEqual(expected(TARO));
    });

    it('does both again without error (a retried reset job)', async () => {
      const taro = await setup.seedAccount(TARO);
      for (let i = 0; i < 2; i++) {
        await setup.provider.requireNewFactor(taro);
        await setup.provider.removeMfaFactors(taro);
      }
      expect(await setup.accountState(taro)).toEqual(RESET);
    });

    it('rejects acting on an account that does not exist', async () => {
      await setup.seedAccount(TARO);
      await expect(setup.provider.removeMfaFactors(UNKNOWN_ID)).rejects.toBeInstanceOf(AccountNotFoundError);
      await expect(setup.provider.requireNewFactor(UNKNOWN_ID)).rejects.toBeInstanceOf(AccountNotFoundError);
      await expect(setup.provider.freezeEnrolment(UNKNOWN_ID)).rejects.toBeInstanceOf(AccountNotFoundError);
    });

    it("ends every session of the account and none of another's, and may be repeated", async () => {
      const taro = await setup.seedAccount(TARO);
      const alice = await setup.seedAccount(ALICE);
      const taroSessions = [await setup.signIn(taro), await setup.signIn(taro)];
      const aliceSession = await setup.signIn(alice);
      for (const s of taroSessions) expect(await setup.sessionActive(s)).toBe(true);
      await setup.provider.revokeSessions(taro);
      for (const s of taroSessions) expect(await setup.sessionActive(s)).toBe(false);
      expect(await setup.sessionActive(aliceSession)).toBe(true);
      await setup.provider.revokeSessions(taro);
      expect(await setup.sessionActive(aliceSession)).toBe(true);
    });

    it('freezes and unfreezes enrolment of that account only, repeatably', async () => {
      const taro = await setup.seedAccount(TARO);
      const alice = await setup.seedAccount(ALICE);
      await setup.provider.freezeEnrolment(taro);
      await setup.provider.freezeEnrolment(taro);
      expect((await setup.accountState(taro)).enrolmentFrozen).toBe(true);
      expect((await setup.accountState(alice)).enrolmentFrozen).toBe(false);
      await setup.provider.unfreezeEnrolment(taro);
      await setup.provider.unfreezeEnrolment(taro);
      expect((await setup.accountState(taro)).enrolmentFrozen).toBe(false);
    });

    it('tells whether the account signed in after an instant, and only that account', async () => {
      const taro = await setup.seedAccount(TARO);
      const alice = await setup.seedAccount(ALICE);
      await setup.signIn(taro);
      expect(await setup.provider.signedInSince(taro, new Date(0))).toBe(true);
      // Strictly after: a sign-in before the instant (the cooling-off's decision) does not count.
      const later = await setup.provider.signedInSince(taro, new Date('2100-01-01T00:00:00Z'));
      const neverSignedIn = await setup.provider.signedInSince(alice, new Date(0));
      if (setup.knowsSignIns === false) {
        // "Nobody signed in" is the one answer a provider that cannot tell must never give.
        expect(later).toBe('unknown');
        expect(neverSignedIn).toBe('unknown');
      } else {
        expect(later).toBe(false);
        expect(neverSignedIn).toBe(false);
      }
      expect(await setup.provider.signedInSince(UNKNOWN_ID, new Date(0))).toBe(false);
    });
  });
}
