import type { Clock } from '../../domain/clock';
import type { Logger } from '../../observability/logger';
import type { AttributeMapping } from '../attribute-mapping';
import type { IdentityProvider } from '../provider';
import { IdentityProviderAuthError } from '../provider-errors';
import { createKeycloakClient } from './keycloak-client';
import { createKeycloakProvider } from './keycloak-provider';

export { createKeycloakClient, type KeycloakSettings } from './keycloak-client';
export { createKeycloakProvider } from './keycloak-provider';

/**
 * The Keycloak adapter from configuration (`config.identity` with its `keycloak` section, set when
 * AIZUCHI_IDENTITY=keycloak). Throws IdentityProviderAuthError when the section is missing.
 */
export function keycloakFromConfig(
  identity: {
    mapping: AttributeMapping;
    keycloak: { url: string; realm: string; clientId: string; clientSecret: string; requiredAction: string } | null;
  },
  deps: { clock: Clock; logger: Logger; fetch?: typeof fetch },
): IdentityProvider {
  const settings = identity.keycloak;
  if (!settings) throw new IdentityProviderAuthError('keycloak', 'AIZUCHI_KEYCLOAK_* is not configured');
  const client = createKeycloakClient({ settings, clock: deps.clock, fetch: deps.fetch });
  return createKeycloakProvider({ client, mapping: identity.mapping, logger: deps.logger, requiredAction: settings.requiredAction });
}
