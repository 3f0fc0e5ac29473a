import type { Clock } from '../../domain/clock';
import type { Logger } from '../../observability/logger';
import type { AttributeMapping } from '../attribute-mapping';
import type { IdentityProvider } from '../provider';
import { IdentityProviderAuthError } from '../provider-errors';
import { type OktaSettings, createOktaClient } from './okta-client';
import { createOktaProvider } from './okta-provider';

export { createOktaClient, type OktaSettings } from './okta-client';
export { createOktaProvider } from './okta-provider';

/**
 * The Okta adapter from configuration (`config.identity` with its `okta` section, set when
 * AIZUCHI_IDENTITY=okta). Throws IdentityProviderAuthError when the section is missing.
 */
export function oktaFromConfig(
  identity: { mapping: AttributeMapping; okta: OktaSettings | null },
  deps: { clock: Clock; logger: Logger; fetch?: typeof fetch },
): IdentityProvider {
  if (!identity.okta) throw new IdentityProviderAuthError('okta', 'AIZUCHI_OKTA_* is not configured');
  const client = createOktaClient({ settings: identity.okta, clock: deps.clock, fetch: deps.fetch });
  return createOktaProvider({ client, mapping: identity.mapping, logger: deps.logger });
}
