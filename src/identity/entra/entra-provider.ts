import { type Config, ConfigError } from '../../config';
import type { Clock } from '../../domain/clock';
import { AccountNotFoundError } from '../errors';
import { type AttributeMapping, toDirectoryAccount } from '../attribute-mapping';
import { IdentityProviderAuthError, IdentityProviderRequestError, IdentityProviderUnavailableError } from '../provider-errors';
import type { ProviderHttpOptions } from '../provider-http';
import { type ProviderRetryOptions, withProviderRetries } from '../provider-retry';
import type { DirectoryAccount, IdentityContact, IdentityProvider, MfaFactor, MfaFactorType } from '../provider';
import { type GraphAuthenticationMethod, type GraphUser, createGraphApi } from './graph-api';

export interface EntraProviderOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  loginUrl: string;
  graphUrl: string;
  mapping: AttributeMapping;
  http: ProviderHttpOptions;
  retry?: ProviderRetryOptions;
}

/**
 * Second-factor method types → the collection their DELETE lives under and aizuchi's factor type
 * (learn.microsoft.com/graph/api/resources/authenticationmethods-overview). Password and email
 * methods are not second factors (email serves self-service password reset) and stay.
 */
const SECOND_FACTORS: Record<string, { segment: string; type: MfaFactorType }> = {
  '#microsoft.graph.phoneAuthenticationMethod': { segment: 'phoneMethods', type: 'sms' },
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': { segment: 'microsoftAuthenticatorMethods', type: 'push' },
  '#microsoft.graph.softwareOathAuthenticationMethod': { segment: 'softwareOathMethods', type: 'totp' },
  '#microsoft.graph.hardwareOathAuthenticationMethod': { segment: 'hardwareOathMethods', type: 'totp' },
  '#microsoft.graph.fido2AuthenticationMethod': { segment: 'fido2Methods', type: 'webauthn' },
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': { segment: 'windowsHelloForBusinessMethods', type: 'other' },
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': { segment: 'temporaryAccessPassMethods', type: 'other' },
  '#microsoft.graph.platformCredentialAuthenticationMethod': { segment: 'platformCredentialMethods', type: 'other' },
};
const NOT_SECOND_FACTORS = new Set(['#microsoft.graph.passwordAuthenticationMethod', '#microsoft.graph.emailAuthenticationMethod']);

/** User properties Graph knows; a mapped name outside these (and not a directory extension) is never $selected, since Graph answers 400 for it. */
const USER_PROPERTIES = new Set([
  'mobilePhone',
  'businessPhones',
  'preferredLanguage',
  'displayName',
  'givenName',
  'surname',
  'officeLocation',
  'employeeId',
]);
const BASE_SELECT = ['id', 'displayName', 'mail', 'userPrincipalName', 'mobilePhone', 'businessPhones', 'preferredLanguage'];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The IdentityProvider over Microsoft Entra ID through Microsoft Graph (README "Microsoft Entra ID").
 * Entra has no per-user "require a new factor" flag in Graph: the admin center's "Require
 * re-register MFA" is itself the deletion of the user's phone, Authenticator and OATH methods, after
 * which the next sign-in asks for a new one where policy requires MFA
 * (learn.microsoft.com/entra/identity/authentication/howto-mfa-userdevicesettings). So
 * requireNewFactor only checks the account exists, and removeMfaFactors does the work. Freezing
 * disables the account (accountEnabled false); unfreezing enables it again.
 */
export function createEntraProvider(options: EntraProviderOptions): IdentityProvider {
  const api = createGraphApi(options);
  const retry = <T>(call: () => Promise<T>) => withProviderRetries(call, options.retry);
  const { mapping } = options;
  const selectable = (name: string) => name.startsWith('extension_') || USER_PROPERTIES.has(name);
  const select = [...new Set([...BASE_SELECT, ...[mapping.phone, mapping.lang, mapping.nameKana, mapping.nameLatin].filter(selectable)])];
  const read = (user: GraphUser, name: string): unknown =>
    selectable(name) ? (user as unknown as Record<string, unknown>)[name] : undefined;

  async function contactOf(user: GraphUser): Promise<DirectoryAccount> {
    const memberships = (await api.memberOf(user.id)) ?? [];
    // Any directory role is administrative; a group matches by object id (readable with User.Read.All
    // alone) or by display name (needs GroupMember.Read.All).
    const privileged = memberships.some(
      (o) =>
        o['@odata.type'] === '#microsoft.graph.directoryRole' ||
        (o['@odata.type'] === '#microsoft.graph.group' &&
          (GUID.test(mapping.privileged) ? o.id === mapping.privileged : o.displayName === mapping.privileged)),
    );
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
    return toDirectoryAccount(
      {
        id: user.id,
        email: user.mail ?? user.userPrincipalName ?? '',
        phone: text(read(user, mapping.phone)) ?? text(user.mobilePhone) ?? user.businessPhones?.[0],
        name: (mapping.name ? text(read(user, mapping.name)) : null) ?? user.displayName,
        nameKana: text(read(user, mapping.nameKana)),
        nameLatin: text(read(user, mapping.nameLatin)),
        lang: text(read(user, mapping.lang)) ?? user.preferredLanguage,
        privileged,
      },
      mapping,
    );
  }

  async function secondFactors(accountId: string): Promise<GraphAuthenticationMethod[]> {
    const methods = await api.authenticationMethods(accountId);
    if (!methods) throw new AccountNotFoundError();
    return methods.filter((m) => !NOT_SECOND_FACTORS.has(m['@odata.type']));
  }

  /**
   * Deletes each method; one Graph refuses with 400 (the default method while others remain) waits
   * for the next round, so the default goes last. A round that deletes nothing ends in an error.
   */
  async function deleteAll(accountId: string, methods: GraphAuthenticationMethod[]): Promise<void> {
    let pending = methods;
    while (pending.length > 0) {
      const refused: GraphAuthenticationMethod[] = [];
      for (const m of pending) {
        const kind = SECOND_FACTORS[m['@odata.type']];
        if (!kind) {
          throw new IdentityProviderRequestError('entra', `cannot remove a method of type ${m['@odata.type']}`, {
            code: 'entra_unknown_method',
          });
        }
        const result = await api.deleteMethod(accountId, kind.segment, m.id);
        if (result !== true && result !== 'gone') {
          if (result.status !== 400)
            throw new IdentityProviderRequestError('entra', `DELETE ${kind.segment} answered ${result.status}`, {
              status: result.status,
              code: result.code,
            });
          refused.push(m);
        }
      }
      if (refused.length === pending.length) {
        throw new IdentityProviderRequestError('entra', 'Graph refuses to delete the remaining default method', {
          status: 400,
          code: 'entra_default_method',
        });
      }
      pending = refused;
    }
  }

  return {
    kind: 'entra',
    findByEmail: (email) =>
      retry(async () => {
        const found = await api.usersByEmail(email.trim().toLowerCase(), select);
        return found.length === 1 ? contactOf(found[0]!) : null;
      }),
    getContact: (accountId) =>
      retry(async () => {
        const user = await api.getUser(accountId, select);
        if (!user) return null;
        const { id: _id, ...contact } = await contactOf(user);
        return contact satisfies IdentityContact;
      }),
    listMfaFactors: (accountId) =>
      retry(async () =>
        (await secondFactors(accountId)).map((m): MfaFactor => ({
          id: m.id,
          type: SECOND_FACTORS[m['@odata.type']]?.type ?? 'other',
          ...(m.displayName ? { label: m.displayName } : {}),
        })),
      ),
    removeMfaFactors: (accountId) =>
      retry(async () => {
        await deleteAll(accountId, await secondFactors(accountId));
        if ((await secondFactors(accountId)).length > 0) {
          throw new IdentityProviderUnavailableError('entra', 'authentication methods remain after deleting them');
        }
      }),
    requireNewFactor: (accountId) =>
      retry(async () => {
        if (!(await api.getUser(accountId, ['id']))) throw new AccountNotFoundError();
      }),
    revokeSessions: (accountId) =>
      retry(async () => {
        if (!(await api.revokeSignInSessions(accountId))) throw new AccountNotFoundError();
      }),
    freezeEnrolment: (accountId) =>
      retry(async () => {
        if (!(await api.setAccountEnabled(accountId, false))) throw new AccountNotFoundError();
      }),
    unfreezeEnrolment: (accountId) =>
      retry(async () => {
        if (!(await api.setAccountEnabled(accountId, true))) throw new AccountNotFoundError();
      }),
    signedInSince: (accountId, since) =>
      retry(async () => {
        let user: GraphUser | null;
        try {
          user = await api.getUser(accountId, ['id', 'signInActivity']);
        } catch (err) {
          // signInActivity needs AuditLog.Read.All (and an Entra ID P1 licence); without it Entra cannot tell.
          if (err instanceof IdentityProviderAuthError && err.status === 403) return 'unknown';
          throw err;
        }
        const last = user?.signInActivity?.lastSuccessfulSignInDateTime;
        const at = last ? Date.parse(last) : NaN;
        return !Number.isNaN(at) && at > since.getTime();
      }),
  };
}

/** The Entra adapter as AIZUCHI_IDENTITY=entra configures it (README "Microsoft Entra ID"); a ConfigError names the first missing variable. */
export function entraProviderFromConfig(config: Config, clock: Clock): IdentityProvider {
  const { entra, mapping } = config.identity;
  const need = (name: string, value: string | null) => {
    if (!value) throw new ConfigError(`missing ${name}: AIZUCHI_IDENTITY=entra needs it`);
    return value;
  };
  return createEntraProvider({
    tenantId: need('AIZUCHI_ENTRA_TENANT_ID', entra.tenantId),
    clientId: need('AIZUCHI_ENTRA_CLIENT_ID', entra.clientId),
    clientSecret: need('AIZUCHI_ENTRA_CLIENT_SECRET', entra.clientSecret),
    loginUrl: entra.loginUrl,
    graphUrl: entra.graphUrl,
    mapping,
    http: { clock },
  });
}
