import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IdentityContact, IdentityProvider } from './provider';

/** What the provider's own directory says about an account (its admin view, not the interface). */
export interface AccountState {
  readonly mfaEnabled: boolean;
  readonly newDeviceRequired: boolean;
}

/** What a provider's test file hands the suite for one test. */
export interface IdentityProviderConformanceSetup {
  readonly provider: IdentityProvider;
  /** Creates an account with an enrolled authenticator; returns its id. */
  seedAccount(contact: IdentityContact): Promise<string>;
  /** Signs the account in once; returns a handle for `sessionActive`. */
  signIn(accountId: string): Promise<string>;
  sessionActive(session: string): Promise<boolean>;
  accountState(accountId: string): Promise<AccountState>;
  teardown?(): Promise<void> | void;
}

const TARO: IdentityContact = {
  email: 'taro.yamada@example.com',
  phoneE164: '+819012345678',
  lang: 'ja',
  name: '山田 太郎',
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

/**
 * Registers the behaviour provider.ts promises of every IdentityProvider — the embedded provider on
 * SQLite and PostgreSQL today, adapters for external providers later: contacts as stored, null for
 * an unknown account, MFA removal and session revocation that touch only the one account and are
 * safe to repeat (jobs run at least once), and whether an account signed in since an instant. Call it inside a test file.
 */
export function identityProviderConformance(
  name: string,
  makeSetup: () => Promise<IdentityProviderConformanceSetup> | IdentityProviderConformanceSetup,
): void {
  describe(`IdentityProvider conformance: ${name}`, () => {
    let setup: IdentityProviderConformanceSetup;

    beforeEach(async () => {
      setup = await makeSetup();
    });

    afterEach(async () => {
      await setup.teardown?.();
    });

    it('returns the contact of an account as stored', async () => {
      const taro = await setup.seedAccount(TARO);
      const alice = await setup.seedAccount(ALICE);
      expect(await setup.provider.getContact(taro)).toEqual(TARO);
      expect(await setup.provider.getContact(alice)).toEqual(ALICE);
    });

    it('returns null for an account that does not exist', async () => {
      await setup.seedAccount(TARO);
      expect(await setup.provider.getContact(UNKNOWN_ID)).toBeNull();
    });

    it('removes MFA and requires a new device for that account only', async () => {
      const taro = await setup.seedAccount(TARO);
      const alice = await setup.seedAccount(ALICE);
      expect(await setup.accountState(taro)).toEqual({ mfaEnabled: true, newDeviceRequired: false });
      await setup.provider.removeMfaAndRequireNewDevice(taro);
      expect(await setup.accountState(taro)).toEqual({ mfaEnabled: false, newDeviceRequired: true });
      expect(await setup.accountState(alice)).toEqual({ mfaEnabled: true, newDeviceRequired: false });
      expect(await setup.provider.getContact(taro)).toEqual(TARO);
    });

    it('removes MFA again without error (a retried reset job)', async () => {
      const taro = await setup.seedAccount(TARO);
      await setup.provider.removeMfaAndRequireNewDevice(taro);
      await setup.provider.removeMfaAndRequireNewDevice(taro);
      expect(await setup.accountState(taro)).toEqual({ mfaEnabled: false, newDeviceRequired: true });
    });

    it('rejects removing MFA of an account that does not exist', async () => {
      await setup.seedAccount(TARO);
      await expect(setup.provider.removeMfaAndRequireNewDevice(UNKNOWN_ID)).rejects.toBeInstanceOf(Error);
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

    it('tells whether the account signed in after an instant, and only that account', async () => {
      const taro = await setup.seedAccount(TARO);
      const alice = await setup.seedAccount(ALICE);
      await setup.signIn(taro);
      expect(await setup.provider.signedInSince(taro, new Date(0))).toBe(true);
      // Strictly after: a sign-in before the instant (the cooling-off's decision) does not count.
      expect(await setup.provider.signedInSince(taro, new Date('2100-01-01T00:00:00Z'))).toBe(false);
      expect(await setup.provider.signedInSince(alice, new Date(0))).toBe(false);
      expect(await setup.provider.signedInSince(UNKNOWN_ID, new Date(0))).toBe(false);
    });
  });
}
