/**
 * The slice of oidc-provider (v9, shipped without types) the tests use to run a real OpenID
 * Connect provider on loopback. Shapes follow the package's README and lib/helpers/defaults.js.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcAccount {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }
  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }
  export interface OidcContext {
    oidc: {
      client: { clientId: string };
      session: { accountId: string; grantIdFor(clientId: string): string | undefined };
      result?: { consent?: { grantId?: string } };
      provider: { Grant: { new (args: { accountId: string; clientId: string }): GrantInstance; find(id: string): Promise<GrantInstance> } };
    };
  }
  export interface OidcConfiguration {
    clients: Array<Record<string, unknown>>;
    claims?: Record<string, string[]>;
    scopes?: string[];
    findAccount(ctx: unknown, id: string): Promise<OidcAccount | undefined>;
    loadExistingGrant?(ctx: OidcContext): Promise<GrantInstance | undefined>;
    features?: Record<string, unknown>;
    pkce?: { required?: () => boolean };
    cookies?: { keys?: string[] };
    conformIdTokenClaims?: boolean;
  }
  export default class Provider {
    constructor(issuer: string, configuration: OidcConfiguration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    proxy: boolean;
  }
}
