import type { AccountLookup } from '../cases/recovery-request';
import { type Config, ConfigError } from '../config';
import type { Clock } from '../domain/clock';
import type { IdentityKind } from '../domain/identity-kind';
import type { Logger } from '../observability/logger';
import { keycloakFromConfig } from '../identity/keycloak';
import { oktaFromConfig } from '../identity/okta';
import { auth0ProviderFromConfig } from '../identity/auth0/auth0-provider';
import { entraProviderFromConfig } from '../identity/entra/entra-provider';
import { createCognitoProvider } from '../identity/cognito/cognito-provider';
import { directoryAccounts, recoveryAccounts } from '../identity/recovery-accounts';
import { webhookProviderFromConfig } from '../identity/webhook/webhook-provider';
import type { IdentityProvider } from '../identity/provider';
import type { IdentityService } from '../identity/service';

/** What an adapter factory may use to build its provider from configuration. */
export interface IdentityAdapterDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** The embedded provider (operators' accounts; the customers' too when AIZUCHI_IDENTITY=embedded). */
  embedded: IdentityService;
}

export type IdentityAdapterFactory = (deps: IdentityAdapterDeps) => IdentityProvider;

/**
 * AIZUCHI_IDENTITY → the adapter for it. One line per provider; each adapter reads its own section of
 * `config.identity` and fails with a ConfigError naming the missing variable.
 */
const IDENTITY_ADAPTERS: Partial<Record<IdentityKind, IdentityAdapterFactory>> = {
  embedded: (d) => d.embedded,
  keycloak: (d) => keycloakFromConfig(d.config.identity, { clock: d.clock, logger: d.logger }),
  okta: (d) => oktaFromConfig(d.config.identity, { clock: d.clock, logger: d.logger }),
  auth0: (d) => auth0ProviderFromConfig(d.config, d.clock),
  entra: (d) => entraProviderFromConfig(d.config, d.clock),
  webhook: (d) => webhookProviderFromConfig(d.config, d.clock),
  cognito: (d) => {
    const cognito = d.config.identity.cognito;
    if (!cognito) throw new ConfigError('invalid AIZUCHI_COGNITO_USER_POOL_ID: required when AIZUCHI_IDENTITY=cognito');
    return createCognitoProvider(cognito, d.config.identity.mapping);
  },
};

/**
 * The provider customer accounts live in. Throws ConfigError for a kind with no adapter in this build,
 * so a deployment never silently falls back to the embedded accounts.
 */
export function composeIdentityProvider(
  deps: IdentityAdapterDeps,
  adapters: Partial<Record<IdentityKind, IdentityAdapterFactory>> = IDENTITY_ADAPTERS,
): IdentityProvider {
  const kind = deps.config.identity.kind;
  const factory = adapters[kind];
  if (!factory) throw new ConfigError(`invalid AIZUCHI_IDENTITY: no ${kind} adapter in this build`);
  return factory(deps);
}

/**
 * How a recovery request finds its account: the embedded provider also checks a password on the form;
 * an external provider's account is found by email and never by a password aizuchi sees (the
 * company's own sign-in page checks it and hands off).
 */
export function composeAccountLookup(accounts: IdentityProvider, embedded: IdentityService): AccountLookup {
  return accounts.kind === 'embedded' ? recoveryAccounts(embedded) : directoryAccounts(accounts);
}
