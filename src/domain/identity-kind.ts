/**
 * Every identity provider aizuchi can act on (AIZUCHI_IDENTITY, issue 12): `embedded` is its own
 * accounts table (the default and the demo); the others are adapters under src/identity/<kind>/.
 * Here, not in identity/, because configuration validates the name.
 */
export const IDENTITY_KINDS = ['embedded', 'keycloak', 'auth0', 'okta', 'cognito', 'entra', 'webhook'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];
