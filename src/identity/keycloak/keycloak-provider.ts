import type { Logger } from '../../observability/logger';
import { type AttributeMapping, toDirectoryAccount } from '../attribute-mapping';
import { AccountNotFoundError } from '../errors';
import type { DirectoryAccount, IdentityContact, IdentityProvider, MfaFactor, MfaFactorType, SignInSince } from '../provider';
import { IdentityProviderAuthError, IdentityProviderRequestError } from '../provider-errors';
import type { KeycloakAnswer, KeycloakClient } from './keycloak-client';

/** The parts of Keycloak's UserRepresentation aizuchi reads (Admin REST API). */
interface KcUser {
  id: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  enabled?: boolean;
  attributes?: Record<string, string[]>;
  requiredActions?: string[];
}
interface KcCredential {
  id: string;
  type: string;
  userLabel?: string;
}
interface KcSession {
  start: number;
}
interface KcEvent {
  time: number;
}
interface KcConsent {
  clientId: string;
  additionalGrants?: Array<{ key?: string }>;
}

export interface KeycloakProviderOptions {
  client: KeycloakClient;
  mapping: AttributeMapping;
  logger: Logger;
  /** The required action that makes the next sign-in enrol a factor. Default `CONFIGURE_TOTP`. */
  requiredAction?: string;
}

/** Credential types that are second factors; `password` (and anything unlisted) is left alone. */
const FACTOR_TYPES: Record<string, MfaFactorType> = { otp: 'totp', webauthn: 'webauthn', 'webauthn-passwordless': 'webauthn' };
/** Marks an account aizuchi disabled for freezeEnrolment, so unfreezing never enables one an admin disabled. */
const FROZEN_ATTRIBUTE = 'aizuchiEnrolmentFrozen';
/** Users per page when searching (Keycloak's `max`). */
const PAGE = 50;

/**
 * The Keycloak adapter (Admin REST API, src/identity/keycloak/README section in the project README):
 *
 * - findByEmail: `GET users?email=&exact=true` paged with `first`/`max`, compared again here
 *   (servers before Keycloak 17 ignore `exact`); two matches → null.
 * - contact: the user's email, firstName/lastName (or the mapped name attribute), attributes named by
 *   the mapping (phone, kana, Latin, `locale`); privileged = member of a group, or holder of an
 *   effective realm role, named AIZUCHI_IDENTITY_PRIVILEGED, or of any realm-management client role.
 * - factors: credentials of type otp / webauthn / webauthn-passwordless; removal DELETEs each.
 * - requireNewFactor: adds the required action (CONFIGURE_TOTP) to the user.
 * - revokeSessions: `POST users/{id}/logout` (every session, and the refresh tokens bound to them),
 *   then DELETE of each consent that carries an offline token (offline refresh tokens outlive sessions).
 * - freeze: the user is disabled (Keycloak has no "no new factor" switch), marked with the attribute
 *   `aizuchiEnrolmentFrozen` so unfreezing re-enables only what aizuchi disabled.
 * - signedInSince: a session started after the instant says yes; otherwise the LOGIN events, when the
 *   realm stores them (events config); without them `unknown`.
 */
export function createKeycloakProvider(options: KeycloakProviderOptions): IdentityProvider {
  const { client, mapping } = options;
  const requiredAction = options.requiredAction ?? 'CONFIGURE_TOTP';
  const log = options.logger.child({ component: 'identity-keycloak' });
  const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

  function expectOk<T>(answer: KeycloakAnswer<T>, what: string): T {
    if (answer.status === 404) throw new AccountNotFoundError();
    if (answer.status < 200 || answer.status >= 300) {
      throw new IdentityProviderRequestError('keycloak', `${what} answered ${answer.status}`, { status: answer.status });
    }
    return answer.body as T;
  }

  async function readUser(id: string): Promise<KcUser | null> {
    const answer = await client.admin<KcUser>('GET', userPath(id));
    if (answer.status === 404) return null;
    return expectOk(answer, 'GET user');
  }

  async function isPrivileged(user: KcUser): Promise<boolean> {
    const name = mapping.privileged;
    const groups = expectOk(await client.admin<Array<{ name: string; path?: string }>>('GET', `${userPath(user.id)}/groups`), 'GET groups');
    if (groups.some((g) => g.name === name || (g.path ?? '').split('/').includes(name))) return true;
    // Effective realm roles: direct, through groups and through composites.
    const roles = expectOk(
      await client.admin<Array<{ name: string }>>('GET', `${userPath(user.id)}/role-mappings/realm/composite`),
      'GET roles',
    );
    if (roles.some((r) => r.name === name)) return true;
    // Any realm-management role lets the account administer others.
    const mappings = expectOk(
      await client.admin<{ clientMappings?: Record<string, { mappings?: unknown[] }> }>('GET', `${userPath(user.id)}/role-mappings`),
      'GET role mappings',
    );
    return (mappings.clientMappings?.['realm-management']?.mappings?.length ?? 0) > 0;
  }

  async function toAccount(user: KcUser): Promise<DirectoryAccount> {
    const attr = (key: string | null) => (key ? (user.attributes?.[key]?.[0] ?? null) : null);
    return toDirectoryAccount(
      {
        id: user.id,
        email: user.email ?? '',
        phone: attr(mapping.phone),
        name: attr(mapping.name),
        givenName: user.firstName,
        familyName: user.lastName,
        nameKana: attr(mapping.nameKana),
        nameLatin: attr(mapping.nameLatin),
        lang: attr(mapping.lang),
        privileged: await isPrivileged(user),
      },
      mapping,
    );
  }

  async function findByEmail(email: string): Promise<DirectoryAccount | null> {
    const wanted = email.trim().toLowerCase();
    if (!wanted) return null;
    const matches: KcUser[] = [];
    for (let first = 0; ; first += PAGE) {
      const query = new URLSearchParams({
        email: wanted,
        exact: 'true',
        briefRepresentation: 'false',
        first: String(first),
        max: String(PAGE),
      });
      const page = expectOk(await client.admin<KcUser[]>('GET', `/users?${query.toString()}`), 'GET users');
      matches.push(...page.filter((u) => (u.email ?? '').toLowerCase() === wanted));
      if (page.length < PAGE) break;
    }
    if (matches.length > 1) log.warn({ matches: matches.length }, 'several Keycloak users share an email; none is used');
    return matches.length === 1 ? toAccount(matches[0]!) : null;
  }

  async function getContact(accountId: string): Promise<IdentityContact | null> {
    const user = await readUser(accountId);
    if (!user) return null;
    const { id: _id, ...contact } = await toAccount(user);
    return contact;
  }

  async function credentials(accountId: string): Promise<KcCredential[]> {
    return expectOk(await client.admin<KcCredential[]>('GET', `${userPath(accountId)}/credentials`), 'GET credentials');
  }

  async function listMfaFactors(accountId: string): Promise<MfaFactor[]> {
    return (await credentials(accountId))
      .filter((c) => c.type !== 'password')
      .map((c) => ({ id: c.id, type: FACTOR_TYPES[c.type] ?? 'other', ...(c.userLabel ? { label: c.userLabel } : {}) }));
  }

  async function removeMfaFactors(accountId: string): Promise<void> {
    for (const c of await credentials(accountId)) {
      if (!FACTOR_TYPES[c.type]) continue;
      const answer = await client.admin('DELETE', `${userPath(accountId)}/credentials/${encodeURIComponent(c.id)}`);
      // 404: already gone (a retried job); anything else but 204 is a failure.
      if (answer.status !== 204 && answer.status !== 404) expectOk(answer, 'DELETE credential');
    }
    log.info({ accountId }, 'keycloak factors removed');
  }

  async function requireNewFactor(accountId: string): Promise<void> {
    const user = await readUser(accountId);
    if (!user) throw new AccountNotFoundError();
    const actions = user.requiredActions ?? [];
    if (actions.includes(requiredAction)) return;
    expectOk(await client.admin('PUT', userPath(accountId), { requiredActions: [...actions, requiredAction] }), 'PUT user');
  }

  async function revokeSessions(accountId: string): Promise<void> {
    expectOk(await client.admin('POST', `${userPath(accountId)}/logout`), 'POST logout');
    const consents = expectOk(await client.admin<KcConsent[]>('GET', `${userPath(accountId)}/consents`), 'GET consents');
    for (const c of consents) {
      if (!(c.additionalGrants ?? []).some((g) => g.key === 'Offline Token')) continue;
      const answer = await client.admin('DELETE', `${userPath(accountId)}/consents/${encodeURIComponent(c.clientId)}`);
      if (answer.status !== 204 && answer.status !== 404) expectOk(answer, 'DELETE consent');
    }
    log.info({ accountId }, 'keycloak sessions and offline tokens revoked');
  }

  async function setFrozen(accountId: string, frozen: boolean): Promise<void> {
    const user = await readUser(accountId);
    if (!user) throw new AccountNotFoundError();
    const attributes = { ...(user.attributes ?? {}) };
    const markedByUs = attributes[FROZEN_ATTRIBUTE]?.[0] === 'true';
    if (frozen) {
      if (user.enabled === false && !markedByUs) return; // disabled by an admin already: leave it and its state alone
      if (markedByUs && user.enabled === false) return;
      attributes[FROZEN_ATTRIBUTE] = ['true'];
      expectOk(await client.admin('PUT', userPath(accountId), { enabled: false, attributes }), 'PUT user');
    } else {
      if (!markedByUs) return;
      delete attributes[FROZEN_ATTRIBUTE];
      expectOk(await client.admin('PUT', userPath(accountId), { enabled: true, attributes }), 'PUT user');
    }
    log.info({ accountId, frozen }, 'keycloak enrolment freeze changed');
  }

  async function signedInSince(accountId: string, since: Date): Promise<SignInSince> {
    const sessions = await client.admin<KcSession[]>('GET', `${userPath(accountId)}/sessions`);
    if (sessions.status === 404) return false;
    if (expectOk(sessions, 'GET sessions').some((s) => s.start > since.getTime())) return true;
    try {
      const config = expectOk(
        await client.admin<{ eventsEnabled?: boolean; enabledEventTypes?: string[] }>('GET', '/events/config'),
        'GET events config',
      );
      const types = config.enabledEventTypes ?? [];
      if (!config.eventsEnabled || (types.length > 0 && !types.includes('LOGIN'))) return 'unknown';
      // Newest first; dateFrom is a day, so the newest event decides.
      const query = new URLSearchParams({
        user: accountId,
        type: 'LOGIN',
        dateFrom: since.toISOString().slice(0, 10),
        first: '0',
        max: '1',
      });
      const events = expectOk(await client.admin<KcEvent[]>('GET', `/events?${query.toString()}`), 'GET events');
      return events.some((e) => e.time > since.getTime());
    } catch (err) {
      // Without view-events the history cannot be read: say so rather than "nobody signed in".
      if (err instanceof IdentityProviderAuthError && err.status === 403) return 'unknown';
      throw err;
    }
  }

  return {
    kind: 'keycloak',
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
