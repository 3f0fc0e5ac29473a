import type { Logger } from '../../observability/logger';
import { type AttributeMapping, DEFAULT_ATTRIBUTE_MAPPING, toDirectoryAccount } from '../attribute-mapping';
import { AccountNotFoundError } from '../errors';
import type { DirectoryAccount, IdentityContact, IdentityProvider, MfaFactor, MfaFactorType, SignInSince } from '../provider';
import { IdentityProviderAuthError, IdentityProviderRequestError } from '../provider-errors';
import type { OktaAnswer, OktaClient } from './okta-client';

/** The parts of Okta's User object aizuchi reads. */
interface OktaUser {
  id: string;
  status: string;
  lastLogin: string | null;
  profile: Record<string, unknown>;
}
interface OktaFactor {
  id: string;
  factorType: string;
  provider?: string;
  status?: string;
  profile?: { name?: string; credentialId?: string; phoneNumber?: string; email?: string };
}

export interface OktaProviderOptions {
  client: OktaClient;
  mapping: AttributeMapping;
  logger: Logger;
}

/** Okta factorType → aizuchi's kinds (Factors API). */
const FACTOR_TYPES: Record<string, MfaFactorType> = {
  'token:software:totp': 'totp',
  'token:hotp': 'totp',
  webauthn: 'webauthn',
  u2f: 'webauthn',
  sms: 'sms',
  call: 'sms',
  push: 'push',
  signed_nonce: 'push',
  email: 'email',
};

/**
 * The Okta adapter (Users, Factors, Groups and Roles APIs):
 *
 * - findByEmail: `GET /users?search=profile.email eq "…"`, following Link `rel="next"`, compared again.
 * - contact: profile firstName/lastName (or the mapped name attribute), the phone from the mapped
 *   attribute — Okta's own `mobilePhone` while AIZUCHI_IDENTITY_PHONE_ATTRIBUTE keeps its default — the
 *   language from `locale` (`ja_JP` → ja), kana/Latin from custom profile attributes; privileged =
 *   member of a group named AIZUCHI_IDENTITY_PRIVILEGED or holder of any admin role (roles that cannot
 *   be read count as privileged: the safe direction).
 * - factors: `GET /users/{id}/factors`; removal DELETEs each (404 = already gone).
 * - requireNewFactor: Okta has no per-user switch; with no factor left, the org's authenticator
 *   enrollment policy (which must require one, README) makes the next sign-in enrol. The call checks
 *   the user exists.
 * - revokeSessions: `DELETE /users/{id}/sessions?oauthTokens=true` (sessions and OAuth tokens).
 * - freeze: `lifecycle/suspend` (an ACTIVE user only); unfreeze: `lifecycle/unsuspend` of a SUSPENDED one.
 * - signedInSince: the user's `lastLogin`.
 */
export function createOktaProvider(options: OktaProviderOptions): IdentityProvider {
  const { client, mapping } = options;
  const log = options.logger.child({ component: 'identity-okta' });
  const phoneAttribute = mapping.phone === DEFAULT_ATTRIBUTE_MAPPING.phone ? 'mobilePhone' : mapping.phone;
  const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

  function expectOk<T>(answer: OktaAnswer<T>, what: string): T {
    if (answer.status === 404) throw new AccountNotFoundError();
    if (answer.status < 200 || answer.status >= 300) {
      throw new IdentityProviderRequestError('okta', `${what} answered ${answer.status}`, { status: answer.status });
    }
    return answer.body as T;
  }

  async function readUser(id: string): Promise<OktaUser | null> {
    const answer = await client.api<OktaUser>('GET', userPath(id));
    return answer.status === 404 ? null : expectOk(answer, 'GET user');
  }

  async function isPrivileged(user: OktaUser): Promise<boolean> {
    const groups = expectOk(await client.api<Array<{ profile?: { name?: string } }>>('GET', `${userPath(user.id)}/groups`), 'GET groups');
    if (groups.some((g) => g.profile?.name === mapping.privileged)) return true;
    try {
      const roles = expectOk(await client.api<Array<{ type?: string }>>('GET', `${userPath(user.id)}/roles`), 'GET roles');
      return roles.length > 0;
    } catch (err) {
      if (!(err instanceof IdentityProviderAuthError)) throw err;
      log.warn({ accountId: user.id }, 'okta admin roles unreadable; account treated as privileged');
      return true;
    }
  }

  async function toAccount(user: OktaUser): Promise<DirectoryAccount> {
    const text = (key: string | null) => {
      const v = key ? user.profile[key] : undefined;
      return typeof v === 'string' ? v : null;
    };
    return toDirectoryAccount(
      {
        id: user.id,
        email: text('email') ?? '',
        phone: text(phoneAttribute),
        name: text(mapping.name),
        givenName: text('firstName'),
        familyName: text('lastName'),
        nameKana: text(mapping.nameKana),
        nameLatin: text(mapping.nameLatin),
        lang: text(mapping.lang) ?? text('preferredLanguage'),
        privileged: await isPrivileged(user),
      },
      mapping,
    );
  }

  async function findByEmail(email: string): Promise<DirectoryAccount | null> {
    const wanted = email.trim().toLowerCase();
    // The search expression's string is double-quoted: an address with a quote or backslash finds nobody.
    if (!wanted || /["\\]/.test(wanted)) return null;
    const matches: OktaUser[] = [];
    let next: string | null = `/users?${new URLSearchParams({ search: `profile.email eq "${wanted}"`, limit: '200' }).toString()}`;
    while (next) {
      const page: OktaAnswer<OktaUser[]> = await client.api<OktaUser[]>('GET', next);
      matches.push(...expectOk(page, 'GET users').filter((u) => String(u.profile.email ?? '').toLowerCase() === wanted));
      next = page.next;
    }
    if (matches.length > 1) log.warn({ matches: matches.length }, 'several Okta users share an email; none is used');
    return matches.length === 1 ? toAccount(matches[0]!) : null;
  }

  async function getContact(accountId: string): Promise<IdentityContact | null> {
    const user = await readUser(accountId);
    if (!user) return null;
    const { id: _id, ...contact } = await toAccount(user);
    return contact;
  }

  async function factors(accountId: string): Promise<OktaFactor[]> {
    return expectOk(await client.api<OktaFactor[]>('GET', `${userPath(accountId)}/factors`), 'GET factors');
  }

  async function listMfaFactors(accountId: string): Promise<MfaFactor[]> {
    return (await factors(accountId)).map((f) => {
      const label = f.profile?.name;
      return { id: f.id, type: FACTOR_TYPES[f.factorType] ?? 'other', ...(label ? { label } : {}) };
    });
  }

  async function removeMfaFactors(accountId: string): Promise<void> {
    for (const f of await factors(accountId)) {
      const answer = await client.api('DELETE', `${userPath(accountId)}/factors/${encodeURIComponent(f.id)}`);
      if (answer.status !== 204 && answer.status !== 404) expectOk(answer, 'DELETE factor');
    }
    log.info({ accountId }, 'okta factors removed');
  }

  async function requireNewFactor(accountId: string): Promise<void> {
    if (!(await readUser(accountId))) throw new AccountNotFoundError();
  }

  async function revokeSessions(accountId: string): Promise<void> {
    expectOk(await client.api('DELETE', `${userPath(accountId)}/sessions?oauthTokens=true`), 'DELETE sessions');
    log.info({ accountId }, 'okta sessions and oauth tokens revoked');
  }

  async function setFrozen(accountId: string, frozen: boolean): Promise<void> {
    const user = await readUser(accountId);
    if (!user) throw new AccountNotFoundError();
    if (frozen && user.status === 'ACTIVE') expectOk(await client.api('POST', `${userPath(accountId)}/lifecycle/suspend`), 'POST suspend');
    if (!frozen && user.status === 'SUSPENDED')
      expectOk(await client.api('POST', `${userPath(accountId)}/lifecycle/unsuspend`), 'POST unsuspend');
    log.info({ accountId, frozen }, 'okta enrolment freeze changed');
  }

  async function signedInSince(accountId: string, since: Date): Promise<SignInSince> {
    const user = await readUser(accountId);
    if (!user?.lastLogin) return false;
    return Date.parse(user.lastLogin) > since.getTime();
  }

  return {
    kind: 'okta',
    findByEmail,
    getContact,
    listMfaFactors,
    removeMfaFactors,
    requireNewFactor,
    revokeSessions,
    freezeEnrolment: (id) => setFrozen(id, true),
    unfreezeEnrolment: (id) => setFrozen(id, false),
    signedInSince,
  };
}
