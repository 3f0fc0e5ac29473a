import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  AdminListGroupsForUserCommand,
  AdminListUserAuthEventsCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderServiceException,
  GetUserPoolMfaConfigCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { type AttributeMapping, toDirectoryAccount } from '../attribute-mapping';
import { AccountNotFoundError } from '../errors';
import {
  IdentityProviderAuthError,
  IdentityProviderError,
  IdentityProviderRateLimitedError,
  IdentityProviderRequestError,
  IdentityProviderUnavailableError,
} from '../provider-errors';
import { type ProviderRetryOptions, withProviderRetries } from '../provider-retry';
import type { DirectoryAccount, IdentityContact, IdentityProvider, MfaFactor, MfaFactorType } from '../provider';

/** AIZUCHI_COGNITO_*: the user pool and how to reach it. */
export interface CognitoSettings {
  region: string;
  userPoolId: string;
  /** A different endpoint (tests' local fake); unset: the region's public endpoint. */
  endpoint?: string;
  /** Static keys; unset: the AWS SDK's default credential chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Cognito's standard user attributes (OIDC standard claims); any other name is a `custom:` attribute. */
const STANDARD_ATTRIBUTES = new Set([
  'address',
  'birthdate',
  'email',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'picture',
  'preferred_username',
  'profile',
  'zoneinfo',
  'website',
]);

/**
 * The Cognito attribute a mapping name reads: the mapping's default phone name (`phoneNumber`, Keycloak's)
 * means the standard `phone_number`; a standard attribute is read as is; anything else as `custom:<name>`
 * unless it already says `custom:`.
 */
export function cognitoAttributeName(name: string): string {
  if (name === 'phoneNumber') return 'phone_number';
  return STANDARD_ATTRIBUTES.has(name) || name.startsWith('custom:') ? name : `custom:${name}`;
}

/** Cognito's MFA setting names (UserMFASettingList) → aizuchi's factor types. */
const FACTOR_TYPES: Record<string, MfaFactorType> = { SOFTWARE_TOKEN_MFA: 'totp', SMS_MFA: 'sms', EMAIL_OTP: 'email' };

/** The AWS error names (`__type`) that mean our own credentials or permissions are wrong. */
const AUTH_ERRORS = new Set([
  'NotAuthorizedException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
]);

/** Escapes a value for a ListUsers filter string: `"` and `\` are backslash-escaped. */
const filterValue = (value: string) => value.replace(/[\\"]/g, (c) => `\\${c}`);

/** An SDK failure as an IdentityProviderError (or AccountNotFoundError), never with a response body. */
function typed(err: unknown): Error {
  if (err instanceof IdentityProviderError || err instanceof AccountNotFoundError) return err;
  if (err instanceof CognitoIdentityProviderServiceException) {
    const status = err.$metadata.httpStatusCode;
    if (err.name === 'UserNotFoundException') return new AccountNotFoundError();
    if (err.name === 'TooManyRequestsException' || err.name === 'LimitExceededException' || err.name === 'ThrottlingException')
      return new IdentityProviderRateLimitedError('cognito', undefined);
    if (AUTH_ERRORS.has(err.name))
      return new IdentityProviderAuthError('cognito', `refused aizuchi's credentials (${err.name})`, { status, cause: err });
    if (err.name === 'InternalErrorException' || (status ?? 0) >= 500)
      return new IdentityProviderUnavailableError('cognito', `answered ${err.name}`, { status, cause: err });
    return new IdentityProviderRequestError('cognito', `refused the request (${err.name})`, { status, cause: err });
  }
  // No answer at all: connection refused, DNS, a timeout.
  return new IdentityProviderUnavailableError('cognito', 'could not be reached', { cause: err });
}

/**
 * Amazon Cognito user pools through the AWS SDK v3 (issue 12). Account ids are the users' `sub`, which
 * the Admin* actions accept as `Username` for local users. Contact facts come from user attributes
 * through the attribute mapping (standard attributes by name, others as `custom:`); privileged = member
 * of the group AIZUCHI_IDENTITY_PRIVILEGED. The SDK's own retries are off: provider-retry.ts retries.
 *
 * Mapping of the interface: factors = UserMFASettingList (TOTP, SMS, email OTP); removing them =
 * AdminSetUserMFAPreference with each disabled; requiring a new factor = the pool's MFA being `ON`
 * (required), so a user with none enabled must set one up (MFA_SETUP) at the next sign-in — an
 * OPTIONAL pool cannot require it and the call refuses rather than report a reset that is not one;
 * revoking sessions = AdminUserGlobalSignOut (refresh tokens; access tokens run out within their
 * hour); freezing enrolment = AdminDisableUser (no sign-in, so no enrolment) until AdminEnableUser;
 * a sign-in since = a passed `SignIn` in AdminListUserAuthEvents, which needs the pool's threat
 * protection (advanced security) — without it Cognito keeps no history and the answer is `unknown`.
 */
export function createCognitoProvider(
  settings: CognitoSettings,
  mapping: AttributeMapping,
  options: { retry?: ProviderRetryOptions; client?: CognitoIdentityProviderClient } = {},
): IdentityProvider {
  const client =
    options.client ??
    new CognitoIdentityProviderClient({
      region: settings.region,
      ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
      ...(settings.credentials ? { credentials: settings.credentials } : {}),
      maxAttempts: 1,
    });
  const UserPoolId = settings.userPoolId;
  const call = <T>(fn: () => Promise<T>) =>
    withProviderRetries(async () => {
      try {
        return await fn();
      } catch (err) {
        throw typed(err);
      }
    }, options.retry);

  const attr = (attributes: AttributeType[] | undefined, name: string) =>
    attributes?.find((a) => a.Name === cognitoAttributeName(name))?.Value ?? null;

  async function isPrivileged(username: string): Promise<boolean> {
    let NextToken: string | undefined;
    do {
      const page = await call(() =>
        client.send(new AdminListGroupsForUserCommand({ UserPoolId, Username: username, NextToken, Limit: 60 })),
      );
      if (page.Groups?.some((g) => g.GroupName === mapping.privileged)) return true;
      NextToken = page.NextToken;
    } while (NextToken);
    return false;
  }

  async function toAccount(attributes: AttributeType[] | undefined, username: string): Promise<DirectoryAccount> {
    return toDirectoryAccount(
      {
        id: attr(attributes, 'sub') ?? username,
        email: attr(attributes, 'email') ?? '',
        phone: attr(attributes, mapping.phone),
        name: mapping.name ? attr(attributes, mapping.name) : attr(attributes, 'name'),
        givenName: attr(attributes, 'given_name'),
        familyName: attr(attributes, 'family_name'),
        nameKana: attr(attributes, mapping.nameKana),
        nameLatin: attr(attributes, mapping.nameLatin),
        lang: attr(attributes, mapping.lang),
        privileged: await isPrivileged(username),
      },
      mapping,
    );
  }

  /** AdminGetUser, or null for a user that does not exist. */
  async function getUser(id: string): Promise<AdminGetUserCommandOutput | null> {
    try {
      return await call(() => client.send(new AdminGetUserCommand({ UserPoolId, Username: id })));
    } catch (err) {
      if (err instanceof AccountNotFoundError) return null;
      throw err;
    }
  }
  async function requireUser(id: string): Promise<AdminGetUserCommandOutput> {
    const user = await getUser(id);
    if (!user) throw new AccountNotFoundError();
    return user;
  }

  return {
    kind: 'cognito',

    async findByEmail(email) {
      const wanted = email.trim().toLowerCase();
      const found = [];
      let PaginationToken: string | undefined;
      do {
        const page = await call(() =>
          client.send(new ListUsersCommand({ UserPoolId, Filter: `email = "${filterValue(wanted)}"`, PaginationToken, Limit: 60 })),
        );
        // `=` is an exact match already; the check keeps a prefix-matching server from widening it.
        found.push(...(page.Users ?? []).filter((u) => attr(u.Attributes, 'email')?.trim().toLowerCase() === wanted));
        PaginationToken = page.PaginationToken;
      } while (PaginationToken && found.length < 2);
      if (found.length !== 1) return null;
      return toAccount(found[0]!.Attributes, found[0]!.Username!);
    },

    async getContact(accountId) {
      const user = await getUser(accountId);
      if (!user) return null;
      const { id: _id, ...contact } = await toAccount(user.UserAttributes, user.Username!);
      return contact satisfies IdentityContact;
    },

    async listMfaFactors(accountId) {
      const user = await requireUser(accountId);
      return (user.UserMFASettingList ?? []).map((name): MfaFactor => ({ id: name, type: FACTOR_TYPES[name] ?? 'other' }));
    },

    async removeMfaFactors(accountId) {
      await requireUser(accountId);
      const off = { Enabled: false, PreferredMfa: false };
      await call(() =>
        client.send(
          new AdminSetUserMFAPreferenceCommand({
            UserPoolId,
            Username: accountId,
            SoftwareTokenMfaSettings: off,
            SMSMfaSettings: off,
            EmailMfaSettings: off,
          }),
        ),
      );
    },

    async requireNewFactor(accountId) {
      await requireUser(accountId);
      const pool = await call(() => client.send(new GetUserPoolMfaConfigCommand({ UserPoolId })));
      if (pool.MfaConfiguration !== 'ON') {
        throw new IdentityProviderRequestError('cognito', 'the user pool does not require MFA, so a new factor cannot be required', {
          code: 'cognito_mfa_not_required',
        });
      }
    },

    async revokeSessions(accountId) {
      await call(() => client.send(new AdminUserGlobalSignOutCommand({ UserPoolId, Username: accountId })));
    },

    async freezeEnrolment(accountId) {
      await call(() => client.send(new AdminDisableUserCommand({ UserPoolId, Username: accountId })));
    },

    async unfreezeEnrolment(accountId) {
      await call(() => client.send(new AdminEnableUserCommand({ UserPoolId, Username: accountId })));
    },

    async signedInSince(accountId, since) {
      let NextToken: string | undefined;
      try {
        do {
          const page = await call(() =>
            client.send(new AdminListUserAuthEventsCommand({ UserPoolId, Username: accountId, MaxResults: 60, NextToken })),
          );
          for (const event of page.AuthEvents ?? []) {
            // Newest first: once past `since`, nothing older can count.
            if (!event.CreationDate || event.CreationDate.getTime() <= since.getTime()) return false;
            if (event.EventType === 'SignIn' && event.EventResponse === 'Pass') return true;
          }
          NextToken = page.NextToken;
        } while (NextToken);
        return false;
      } catch (err) {
        if (err instanceof AccountNotFoundError) return false;
        // The user auth event history is part of threat protection (advanced security); without it, unknown.
        if (
          err instanceof IdentityProviderRequestError &&
          (err.cause as { name?: unknown } | undefined)?.name === 'UserPoolAddOnNotEnabledException'
        )
          return 'unknown';
        throw err;
      }
    },
  };
}
