import { type Config, ConfigError } from '../../config';
import type { Clock } from '../../domain/clock';
import { AccountNotFoundError } from '../errors';
import { type AttributeMapping, toDirectoryAccount } from '../attribute-mapping';
import { IdentityProviderUnavailableError } from '../provider-errors';
import type { ProviderHttpOptions } from '../provider-http';
import { type ProviderRetryOptions, withProviderRetries } from '../provider-retry';
import type { DirectoryAccount, IdentityContact, IdentityProvider, MfaFactor, MfaFactorType } from '../provider';
import { type Auth0AuthenticationMethod, type Auth0User, createAuth0ManagementApi } from './management-api';

export interface Auth0ProviderOptions {
  /** `https://{AIZUCHI_AUTH0_DOMAIN}`, or AIZUCHI_AUTH0_API_URL (a local fake in tests). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  mapping: AttributeMapping;
  http: ProviderHttpOptions;
  retry?: ProviderRetryOptions;
  /** Management API page size (default 100); tests page through small pages. */
  perPage?: number;
}

/**
 * app_metadata flags aizuchi sets (users cannot edit app_metadata). A post-login Action reads them
 * (README "Auth0"): the first makes Universal Login enrol a new factor even where the tenant's MFA
 * policy is not "Always"; the second marks a block aizuchi placed, so unfreezing never lifts a
 * block someone else set.
 */
export const AUTH0_REQUIRE_ENROLLMENT_FLAG = 'aizuchi_require_mfa_enrollment';
export const AUTH0_FROZEN_FLAG = 'aizuchi_enrolment_frozen';

/** Authentication-method types that are a first factor, not MFA: a reset leaves them alone. */
const FIRST_FACTOR_TYPES = new Set(['password', 'passkey', 'email-verification']);

/** Auth0's method types → aizuchi's factor types (Management API "UserAuthenticationMethod.type"). */
function factorType(type: string): MfaFactorType {
  if (type === 'totp') return 'totp';
  if (type === 'phone' || type === 'sms') return 'sms';
  if (type === 'push' || type === 'guardian') return 'push';
  if (type === 'email') return 'email';
  if (type.startsWith('webauthn')) return 'webauthn';
  return 'other';
}

/**
 * An attribute by its mapped name: a dotted name is a path from the user's root
 * (`user_metadata.phone`); a plain one is looked up in app_metadata first (only administrators can
 * change it, so a phone there cannot be swapped by whoever holds a session), then user_metadata, then
 * the root profile (`locale`, `phone_number`).
 */
function attribute(user: Auth0User, name: string): unknown {
  if (name.includes('.')) {
    return name
      .split('.')
      .reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), user);
  }
  return user.app_metadata?.[name] ?? user.user_metadata?.[name] ?? (user as unknown as Record<string, unknown>)[name];
}

/**
 * The IdentityProvider over an Auth0 tenant's Management API v2. Mapping (README "Auth0"):
 * removing factors deletes every enrolled MFA authentication method (not the password or a
 * passkey); requiring a new factor sets an app_metadata flag a post-login Action enforces, and
 * invalidates remembered browsers; revoking deletes sessions and refresh tokens; freezing blocks the
 * user; privileged means an RBAC role (or an `app_metadata.roles` entry) named by the mapping;
 * `last_login` answers signedInSince.
 */
export function createAuth0Provider(options: Auth0ProviderOptions): IdentityProvider {
  const api = createAuth0ManagementApi(options);
  const retry = <T>(call: () => Promise<T>) => withProviderRetries(call, options.retry);
  const { mapping } = options;

  async function contactOf(user: Auth0User): Promise<DirectoryAccount> {
    const roles = (await api.roleNames(user.user_id)) ?? [];
    const metadataRoles = user.app_metadata?.roles;
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return toDirectoryAccount(
      {
        id: user.user_id,
        email: user.email ?? '',
        phone: text(attribute(user, mapping.phone)) ?? user.phone_number,
        // Auth0 fills `name` with the email when a signup gave none: given and family names come first.
        name: mapping.name ? text(attribute(user, mapping.name)) : user.given_name || user.family_name ? null : user.name,
        givenName: user.given_name,
        familyName: user.family_name,
        nameKana: text(attribute(user, mapping.nameKana)),
        nameLatin: text(attribute(user, mapping.nameLatin)),
        lang: text(attribute(user, mapping.lang)),
        privileged: roles.includes(mapping.privileged) || (Array.isArray(metadataRoles) && metadataRoles.includes(mapping.privileged)),
      },
      mapping,
    );
  }

  async function mfaMethods(accountId: string): Promise<Auth0AuthenticationMethod[]> {
    const methods = await api.authenticationMethods(accountId);
    if (!methods) throw new AccountNotFoundError();
    return methods.filter((m) => !FIRST_FACTOR_TYPES.has(m.type));
  }

  async function mustWrite(done: Promise<boolean>): Promise<void> {
    if (!(await done)) throw new AccountNotFoundError();
  }

  return {
    kind: 'auth0',
    findByEmail: (email) =>
      retry(async () => {
        const found = await api.usersByEmail(email.trim().toLowerCase());
        if (found.length !== 1) return null;
        return contactOf(found[0]!);
      }),
    getContact: (accountId) =>
      retry(async () => {
        const user = await api.getUser(accountId);
        if (!user) return null;
        const { id: _id, ...contact } = await contactOf(user);
        return contact satisfies IdentityContact;
      }),
    listMfaFactors: (accountId) =>
      retry(async () =>
        (await mfaMethods(accountId)).map((m): MfaFactor => ({ id: m.id, type: factorType(m.type), ...(m.name ? { label: m.name } : {}) })),
      ),
    removeMfaFactors: (accountId) =>
      retry(async () => {
        for (const m of await mfaMethods(accountId)) await api.deleteAuthenticationMethod(accountId, m.id);
        // Read back: a reset is reported only when Auth0 shows no factor left.
        if ((await mfaMethods(accountId)).length > 0) {
          throw new IdentityProviderUnavailableError('auth0', 'authentication methods remain after deleting them');
        }
      }),
    requireNewFactor: (accountId) =>
      retry(async () => {
        await mustWrite(api.updateUser(accountId, { app_metadata: { [AUTH0_REQUIRE_ENROLLMENT_FLAG]: true } }));
        await mustWrite(api.invalidateRememberBrowser(accountId));
      }),
    revokeSessions: (accountId) =>
      retry(async () => {
        await mustWrite(api.deleteSessions(accountId));
        await mustWrite(api.deleteRefreshTokens(accountId));
      }),
    freezeEnrolment: (accountId) =>
      retry(() => mustWrite(api.updateUser(accountId, { blocked: true, app_metadata: { [AUTH0_FROZEN_FLAG]: true } }))),
    unfreezeEnrolment: (accountId) =>
      retry(async () => {
        const user = await api.getUser(accountId);
        if (!user) throw new AccountNotFoundError();
        if (user.app_metadata?.[AUTH0_FROZEN_FLAG] !== true) return;
        await mustWrite(api.updateUser(accountId, { blocked: false, app_metadata: { [AUTH0_FROZEN_FLAG]: null } }));
      }),
    signedInSince: (accountId, since) =>
      retry(async () => {
        const user = await api.getUser(accountId);
        const last = user?.last_login ? Date.parse(user.last_login) : NaN;
        return !Number.isNaN(last) && last > since.getTime();
      }),
  };
}

/**
 * The Auth0 adapter as AIZUCHI_IDENTITY=auth0 configures it (README "Auth0"); a ConfigError names the
 * first missing variable. AIZUCHI_AUTH0_API_URL, when set, replaces `https://{domain}` (tests).
 */
export function auth0ProviderFromConfig(config: Config, clock: Clock): IdentityProvider {
  const { auth0, mapping } = config.identity;
  const need = (name: string, value: string | null) => {
    if (!value) throw new ConfigError(`missing ${name}: AIZUCHI_IDENTITY=auth0 needs it`);
    return value;
  };
  const domain = need('AIZUCHI_AUTH0_DOMAIN', auth0.domain);
  return createAuth0Provider({
    baseUrl: auth0.apiUrl ?? `https://${domain}`,
    clientId: need('AIZUCHI_AUTH0_CLIENT_ID', auth0.clientId),
    clientSecret: need('AIZUCHI_AUTH0_CLIENT_SECRET', auth0.clientSecret),
    mapping,
    http: { clock },
  });
}
