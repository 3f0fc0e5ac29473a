import { type RoleMap, parseRoleMap } from '../domain/console-roles';
import { type CallerIds, type Config, ConfigError, type SipConfig, type TelnyxConfig, type TwilioConfig } from './config-types';
import { type Env, isLoopbackHost } from './env-schema';

/*
 * The sections of the configuration that come as a group of variables (carriers, identity
 * providers, hand-off, SSO): each checks its group is complete and consistent, or throws a
 * ConfigError naming the variables, and is null when its group is not set.
 */

/** The hand-off settings, all or nothing: a half-configured hand-off would accept what it should not check. */
export function handoffConfig(e: Env): Config['handoff'] {
  const { AIZUCHI_HANDOFF_JWKS_URL: jwksUrl, AIZUCHI_HANDOFF_SECRET: secret } = e;
  const issuer = e.AIZUCHI_HANDOFF_ISSUER;
  const audience = e.AIZUCHI_HANDOFF_AUDIENCE;
  if (!jwksUrl && !secret && !issuer && !audience) return null;
  if (jwksUrl && secret)
    throw new ConfigError('invalid AIZUCHI_HANDOFF_SECRET: set AIZUCHI_HANDOFF_JWKS_URL or AIZUCHI_HANDOFF_SECRET, not both');
  if (!jwksUrl && !secret)
    throw new ConfigError('invalid AIZUCHI_HANDOFF_JWKS_URL: the hand-off needs AIZUCHI_HANDOFF_JWKS_URL or AIZUCHI_HANDOFF_SECRET');
  if (!issuer) throw new ConfigError('invalid AIZUCHI_HANDOFF_ISSUER: required when a hand-off key is set');
  if (!audience) throw new ConfigError('invalid AIZUCHI_HANDOFF_AUDIENCE: required when a hand-off key is set');
  // Keys fetched over plain HTTP could be swapped on the way; only this machine is exempt (tests, sidecars).
  if (jwksUrl && new URL(jwksUrl).protocol !== 'https:' && !isLoopbackHost(new URL(jwksUrl).hostname.replace(/^\[|\]$/g, '')))
    throw new ConfigError('invalid AIZUCHI_HANDOFF_JWKS_URL: must be https (plain http only on loopback)');
  return { keys: jwksUrl ? { jwksUrl } : { secret: secret! }, issuer, audience };
}

/** Operator SSO settings: the issuer turns it on, and then the client and a role map are required. */
export function oidcConfig(e: Env, publicUrl: string): Config['oidc'] {
  if (!e.AIZUCHI_OIDC_ISSUER) return null;
  if (!e.AIZUCHI_OIDC_CLIENT_ID) throw new ConfigError('invalid AIZUCHI_OIDC_CLIENT_ID: required when AIZUCHI_OIDC_ISSUER is set');
  if (!e.AIZUCHI_OIDC_ROLE_MAP)
    throw new ConfigError('invalid AIZUCHI_OIDC_ROLE_MAP: required when AIZUCHI_OIDC_ISSUER is set, e.g. aizuchi-operators=operator');
  const issuer = new URL(e.AIZUCHI_OIDC_ISSUER);
  if (issuer.protocol !== 'https:' && !isLoopbackHost(issuer.hostname.replace(/^\[|\]$/g, '')))
    throw new ConfigError('invalid AIZUCHI_OIDC_ISSUER: must be https (plain http only on loopback)');
  if (!e.AIZUCHI_OIDC_SCOPES.split(/\s+/).includes('openid')) throw new ConfigError('invalid AIZUCHI_OIDC_SCOPES: must include openid');
  let roleMap: RoleMap;
  try {
    roleMap = parseRoleMap(e.AIZUCHI_OIDC_ROLE_MAP);
  } catch (err) {
    throw new ConfigError(`invalid AIZUCHI_OIDC_ROLE_MAP: ${(err as Error).message}`);
  }
  return {
    issuer: e.AIZUCHI_OIDC_ISSUER,
    clientId: e.AIZUCHI_OIDC_CLIENT_ID,
    ...(e.AIZUCHI_OIDC_CLIENT_SECRET ? { clientSecret: e.AIZUCHI_OIDC_CLIENT_SECRET } : {}),
    redirectUri: new URL('/signin/sso/callback', publicUrl).href,
    scopes: e.AIZUCHI_OIDC_SCOPES,
    roleClaim: e.AIZUCHI_OIDC_ROLE_CLAIM,
    roleMap,
  };
}

export function cognitoConfig(e: Env): Config['identity']['cognito'] {
  if (!e.AIZUCHI_COGNITO_USER_POOL_ID && e.AIZUCHI_IDENTITY !== 'cognito') return null;
  required(e, e.AIZUCHI_COGNITO_USER_POOL_ID ? 'AIZUCHI_COGNITO_USER_POOL_ID' : 'AIZUCHI_IDENTITY=cognito', [
    'AIZUCHI_COGNITO_REGION',
    'AIZUCHI_COGNITO_USER_POOL_ID',
  ]);
  // Keys come as a pair or not at all (then the SDK's default chain: environment, profile, role).
  if (Boolean(e.AIZUCHI_COGNITO_ACCESS_KEY_ID) !== Boolean(e.AIZUCHI_COGNITO_SECRET_ACCESS_KEY))
    throw new ConfigError('AIZUCHI_COGNITO_ACCESS_KEY_ID and AIZUCHI_COGNITO_SECRET_ACCESS_KEY are set together or not at all');
  return {
    region: e.AIZUCHI_COGNITO_REGION!,
    userPoolId: e.AIZUCHI_COGNITO_USER_POOL_ID!,
    ...(e.AIZUCHI_COGNITO_ENDPOINT ? { endpoint: e.AIZUCHI_COGNITO_ENDPOINT } : {}),
    ...(e.AIZUCHI_COGNITO_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: e.AIZUCHI_COGNITO_ACCESS_KEY_ID, secretAccessKey: e.AIZUCHI_COGNITO_SECRET_ACCESS_KEY! } }
      : {}),
  };
}

export function required(e: Env, set: string, names: (keyof Env)[]): void {
  const missing = names.filter((n) => !e[n]);
  if (missing.length > 0) throw new ConfigError(`${set} is set, so ${missing.join(', ')} must be set too`);
}

export function callerIds(fallback: string | undefined, ja: string | undefined, en: string | undefined): CallerIds {
  return { default: fallback ?? '', ...(ja ? { ja } : {}), ...(en ? { en } : {}) };
}

export function twilioConfig(e: Env): TwilioConfig | null {
  if (!e.AIZUCHI_TWILIO_ACCOUNT_SID) return null;
  required(e, 'AIZUCHI_TWILIO_ACCOUNT_SID', ['AIZUCHI_TWILIO_AUTH_TOKEN', 'AIZUCHI_TWILIO_FROM']);
  // REST hostnames are api.{edge}.{region}.twilio.com; an edge alone goes with us1 (TELEPHONY.md §1.7).
  const edged =
    e.AIZUCHI_TWILIO_EDGE || e.AIZUCHI_TWILIO_REGION
      ? `https://api.${[e.AIZUCHI_TWILIO_EDGE, e.AIZUCHI_TWILIO_REGION ?? 'us1'].filter(Boolean).join('.')}.twilio.com`
      : 'https://api.twilio.com';
  return {
    accountSid: e.AIZUCHI_TWILIO_ACCOUNT_SID,
    authToken: e.AIZUCHI_TWILIO_AUTH_TOKEN ?? '',
    from: callerIds(e.AIZUCHI_TWILIO_FROM, e.AIZUCHI_TWILIO_FROM_JA, e.AIZUCHI_TWILIO_FROM_EN),
    apiUrl: (e.AIZUCHI_TWILIO_API_URL ?? edged).replace(/\/+$/u, ''),
    machineDetection: e.AIZUCHI_TWILIO_MACHINE_DETECTION,
  };
}

export function audioSocketConfig(e: Env): Config['audioSocket'] {
  if (!e.AIZUCHI_AUDIOSOCKET_LISTEN) return null;
  const at = e.AIZUCHI_AUDIOSOCKET_LISTEN.lastIndexOf(':');
  // A bare port listens on loopback: Asterisk on the same host, nothing exposed by accident.
  const host = at < 0 ? '127.0.0.1' : e.AIZUCHI_AUDIOSOCKET_LISTEN.slice(0, at).replace(/^\[(.*)\]$/u, '$1');
  const port = Number(e.AIZUCHI_AUDIOSOCKET_LISTEN.slice(at + 1));
  if (port > 65535) throw new ConfigError('invalid AIZUCHI_AUDIOSOCKET_LISTEN: port above 65535');
  const allow = e.AIZUCHI_AUDIOSOCKET_ALLOW.split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  return { host, port, allow };
}

export function sipConfig(e: Env): SipConfig | null {
  if (!e.AIZUCHI_SIP_TRUNK) return null;
  required(e, 'AIZUCHI_SIP_TRUNK', ['AIZUCHI_SIP_FROM']);
  if (e.AIZUCHI_SIP_PASSWORD && !e.AIZUCHI_SIP_USER)
    throw new ConfigError('AIZUCHI_SIP_PASSWORD is set, so AIZUCHI_SIP_USER must be set too');
  return {
    trunk: e.AIZUCHI_SIP_TRUNK,
    ...(e.AIZUCHI_SIP_USER ? { user: e.AIZUCHI_SIP_USER } : {}),
    ...(e.AIZUCHI_SIP_PASSWORD ? { password: e.AIZUCHI_SIP_PASSWORD } : {}),
    from: e.AIZUCHI_SIP_FROM ?? '',
    ...(e.AIZUCHI_SIP_FROM_JA || e.AIZUCHI_SIP_FROM_EN
      ? {
          fromByLang: {
            ...(e.AIZUCHI_SIP_FROM_JA ? { ja: e.AIZUCHI_SIP_FROM_JA } : {}),
            ...(e.AIZUCHI_SIP_FROM_EN ? { en: e.AIZUCHI_SIP_FROM_EN } : {}),
          },
        }
      : {}),
    listen: e.AIZUCHI_SIP_LISTEN,
    ...(e.AIZUCHI_SIP_PUBLIC_HOST ? { publicHost: e.AIZUCHI_SIP_PUBLIC_HOST } : {}),
    rtpPorts: e.AIZUCHI_SIP_RTP_PORTS,
    registerExpiresSec: e.AIZUCHI_SIP_REGISTER_SEC,
  };
}

export function telnyxConfig(e: Env): TelnyxConfig | null {
  if (!e.AIZUCHI_TELNYX_API_KEY) return null;
  required(e, 'AIZUCHI_TELNYX_API_KEY', ['AIZUCHI_TELNYX_CONNECTION_ID', 'AIZUCHI_TELNYX_FROM', 'AIZUCHI_TELNYX_PUBLIC_KEY']);
  return {
    apiKey: e.AIZUCHI_TELNYX_API_KEY,
    connectionId: e.AIZUCHI_TELNYX_CONNECTION_ID ?? '',
    from: callerIds(e.AIZUCHI_TELNYX_FROM, e.AIZUCHI_TELNYX_FROM_JA, e.AIZUCHI_TELNYX_FROM_EN),
    publicKey: e.AIZUCHI_TELNYX_PUBLIC_KEY ?? '',
    apiUrl: e.AIZUCHI_TELNYX_API_URL.replace(/\/+$/u, ''),
    machineDetection: e.AIZUCHI_TELNYX_MACHINE_DETECTION,
  };
}

export function keycloakConfig(e: Env): Config['identity']['keycloak'] {
  if (e.AIZUCHI_IDENTITY !== 'keycloak') return null;
  required(e, 'AIZUCHI_IDENTITY=keycloak', [
    'AIZUCHI_KEYCLOAK_URL',
    'AIZUCHI_KEYCLOAK_REALM',
    'AIZUCHI_KEYCLOAK_CLIENT_ID',
    'AIZUCHI_KEYCLOAK_CLIENT_SECRET',
  ]);
  return {
    url: e.AIZUCHI_KEYCLOAK_URL ?? '',
    realm: e.AIZUCHI_KEYCLOAK_REALM ?? '',
    clientId: e.AIZUCHI_KEYCLOAK_CLIENT_ID ?? '',
    clientSecret: e.AIZUCHI_KEYCLOAK_CLIENT_SECRET ?? '',
    requiredAction: e.AIZUCHI_KEYCLOAK_REQUIRED_ACTION,
  };
}

export function oktaConfig(e: Env): Config['identity']['okta'] {
  if (e.AIZUCHI_IDENTITY !== 'okta') return null;
  const orgUrl = e.AIZUCHI_OKTA_ORG_URL ?? '';
  if (e.AIZUCHI_OKTA_CLIENT_ID || e.AIZUCHI_OKTA_PRIVATE_KEY) {
    required(e, 'AIZUCHI_IDENTITY=okta with an OAuth service app', [
      'AIZUCHI_OKTA_ORG_URL',
      'AIZUCHI_OKTA_CLIENT_ID',
      'AIZUCHI_OKTA_PRIVATE_KEY',
    ]);
    if (e.AIZUCHI_OKTA_API_TOKEN)
      throw new ConfigError('set AIZUCHI_OKTA_API_TOKEN or AIZUCHI_OKTA_CLIENT_ID/AIZUCHI_OKTA_PRIVATE_KEY, not both');
    return {
      orgUrl,
      oauth: {
        clientId: e.AIZUCHI_OKTA_CLIENT_ID ?? '',
        // A PEM in one environment line usually has its newlines written as \n.
        privateKeyPem: (e.AIZUCHI_OKTA_PRIVATE_KEY ?? '').replace(/\\n/g, '\n'),
        ...(e.AIZUCHI_OKTA_KEY_ID ? { keyId: e.AIZUCHI_OKTA_KEY_ID } : {}),
        scopes: e.AIZUCHI_OKTA_SCOPES,
      },
    };
  }
  required(e, 'AIZUCHI_IDENTITY=okta', ['AIZUCHI_OKTA_ORG_URL', 'AIZUCHI_OKTA_API_TOKEN']);
  return { orgUrl, apiToken: e.AIZUCHI_OKTA_API_TOKEN ?? '' };
}
