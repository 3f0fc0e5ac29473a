import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../observability/logger';
import type { IdentityService } from '../identity/service';
import { composeIdentityProvider } from './identity';

// Auth0, Entra and the webhook from configuration (README "Identity providers"): each is in the
// registry, a missing variable is named at boot, and a webhook URL must be https unless loopback.
const deps = (env: Record<string, string>) => ({
  config: loadConfig(env),
  clock: { now: () => new Date() },
  logger: createLogger('silent'),
  embedded: {} as IdentityService,
});
const SECRET = crypto.randomBytes(32).toString('hex');

describe('external identity providers from configuration', () => {
  it('builds the auth0, entra and webhook adapters', () => {
    const auth0 = {
      AIZUCHI_IDENTITY: 'auth0',
      AIZUCHI_AUTH0_DOMAIN: 'example.jp.auth0.com',
      AIZUCHI_AUTH0_CLIENT_ID: 'id',
      AIZUCHI_AUTH0_CLIENT_SECRET: 's',
    };
    const entra = {
      AIZUCHI_IDENTITY: 'entra',
      AIZUCHI_ENTRA_TENANT_ID: 't',
      AIZUCHI_ENTRA_CLIENT_ID: 'id',
      AIZUCHI_ENTRA_CLIENT_SECRET: 's',
    };
    const webhook = {
      AIZUCHI_IDENTITY: 'webhook',
      AIZUCHI_IDENTITY_WEBHOOK_URL: 'https://accounts.example.com/aizuchi',
      AIZUCHI_IDENTITY_WEBHOOK_SECRET: SECRET,
    };
    expect(composeIdentityProvider(deps(auth0)).kind).toBe('auth0');
    expect(composeIdentityProvider(deps(entra)).kind).toBe('entra');
    expect(composeIdentityProvider(deps(webhook)).kind).toBe('webhook');
    expect(loadConfig(entra).identity.entra).toMatchObject({
      loginUrl: 'https://login.microsoftonline.com',
      graphUrl: 'https://graph.microsoft.com',
    });
  });

  it('names the missing variable', () => {
    expect(() => composeIdentityProvider(deps({ AIZUCHI_IDENTITY: 'auth0', AIZUCHI_AUTH0_DOMAIN: 'example.jp.auth0.com' }))).toThrow(
      /missing AIZUCHI_AUTH0_CLIENT_ID/,
    );
    expect(() => composeIdentityProvider(deps({ AIZUCHI_IDENTITY: 'entra' }))).toThrow(/missing AIZUCHI_ENTRA_TENANT_ID/);
    expect(() =>
      composeIdentityProvider(deps({ AIZUCHI_IDENTITY: 'webhook', AIZUCHI_IDENTITY_WEBHOOK_URL: 'https://a.example/' })),
    ).toThrow(ConfigError);
  });

  it('refuses a plain-http webhook off loopback, a short secret and a URL as the Auth0 domain', () => {
    expect(() => loadConfig({ AIZUCHI_IDENTITY_WEBHOOK_URL: 'http://accounts.example.com/' })).toThrow(
      /AIZUCHI_IDENTITY_WEBHOOK_URL: expected an https URL/,
    );
    expect(loadConfig({ AIZUCHI_IDENTITY_WEBHOOK_URL: 'http://127.0.0.1:8787/' }).identity.webhook.url).toBe('http://127.0.0.1:8787/');
    expect(() => loadConfig({ AIZUCHI_IDENTITY_WEBHOOK_SECRET: 'short' })).toThrow(/AIZUCHI_IDENTITY_WEBHOOK_SECRET/);
    expect(() => loadConfig({ AIZUCHI_AUTH0_DOMAIN: 'https://example.jp.auth0.com' })).toThrow(/AIZUCHI_AUTH0_DOMAIN/);
  });
});
