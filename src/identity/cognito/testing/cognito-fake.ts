import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { AizuchiError } from '../../../domain/errors.js';

/**
 * A local Amazon Cognito user pool speaking the service's wire protocol, for the adapter's tests: AWS
 * JSON 1.1 (`POST /`, `Content-Type: application/x-amz-json-1.1`, the action in
 * `X-Amz-Target: AWSCognitoIdentityProviderService.<Action>`), a SigV4 `Authorization` header checked
 * for shape (scope `<date>/<region>/cognito-idp/aws4_request`; the signature itself is not verified),
 * errors as HTTP 400 with `{"__type", "message"}` as the API reference documents them, dates as epoch
 * seconds, `Limit`/`PaginationToken` (ListUsers) and `Limit`/`NextToken` (groups) paging.
 */
export interface FakeCognitoUser {
  username: string;
  sub: string;
  attributes: Map<string, string>;
  enabled: boolean;
  /** Enabled MFA methods, by Cognito's names (SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP). */
  mfa: Set<string>;
  preferredMfa: string | null;
  groups: Set<string>;
  /** Refresh tokens issued by sign-ins and not revoked. */
  refreshTokens: Set<string>;
  /** Completed sign-ins, oldest first (threat protection's user auth events). */
  signIns: Date[];
}

const SIGV4 =
  /^AWS4-HMAC-SHA256 Credential=[A-Z0-9]{16,128}\/\d{8}\/[a-z0-9-]+\/cognito-idp\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/;
const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

/** A fault the fake answers as Cognito's `{"__type", "message"}` error body. */
class CognitoFault extends AizuchiError {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message, { code: type, retryable: false });
  }
}

export class FakeCognito {
  readonly userPoolId = 'ap-northeast-1_TestPool1';
  readonly users: FakeCognitoUser[] = [];
  /** The pool's MFA setting: ON (required), OPTIONAL or OFF. */
  mfaConfiguration: 'ON' | 'OPTIONAL' | 'OFF' = 'ON';
  /** Threat protection (advanced security) on: user auth events are kept and listed. */
  threatProtection = true;
  /** Every request's action, in order, with the Authorization header's shape check. */
  readonly requests: Array<{ action: string; signed: boolean }> = [];
  private throttles = 0;
  private server: http.Server | null = null;

  /** The next `n` requests answer TooManyRequestsException (HTTP 400, as Cognito does). */
  throttleNext(n: number): void {
    this.throttles = n;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Creates a confirmed user with TOTP enabled; returns its `sub`. */
  addUser(u: { username?: string; attributes: Record<string, string>; groups?: string[]; mfa?: string[] }): string {
    const sub = crypto.randomUUID();
    this.users.push({
      username: u.username ?? sub,
      sub,
      attributes: new Map([['sub', sub], ...Object.entries(u.attributes)]),
      enabled: true,
      mfa: new Set(u.mfa ?? ['SOFTWARE_TOKEN_MFA']),
      preferredMfa: (u.mfa ?? ['SOFTWARE_TOKEN_MFA'])[0] ?? null,
      groups: new Set(u.groups ?? []),
      refreshTokens: new Set(),
      signIns: [],
    });
    return sub;
  }

  /** A sign-in's refresh token (what InitiateAuth would issue). */
  signIn(id: string): string {
    const token = crypto.randomBytes(24).toString('base64url');
    const user = this.find(id);
    user.refreshTokens.add(token);
    user.signIns.push(new Date());
    return token;
  }

  refreshTokenValid(token: string): boolean {
    return this.users.some((u) => u.enabled && u.refreshTokens.has(token));
  }

  /** The user by username or `sub` (Admin* actions accept either for local users). */
  find(id: unknown): FakeCognitoUser {
    const user = this.users.find((u) => u.username === id || u.sub === id);
    if (!user) throw new CognitoFault('UserNotFoundException', 'User does not exist.');
    return user;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const signed = SIGV4.test(String(req.headers.authorization ?? '')) && typeof req.headers['x-amz-date'] === 'string';
    this.requests.push({ action, signed });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': crypto.randomUUID() });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method !== 'POST' || req.url !== '/') throw new CognitoFault('UnknownOperationException', 'Unknown operation', 404);
      if (!signed) throw new CognitoFault('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
      if (!/^application\/x-amz-json-1\.1/.test(String(req.headers['content-type'] ?? '')))
        throw new CognitoFault('SerializationException', 'Unexpected content type');
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        throw new CognitoFault('SerializationException', 'Malformed JSON');
      }
      if (this.throttles > 0) {
        this.throttles -= 1;
        throw new CognitoFault('TooManyRequestsException', 'Too many requests');
      }
      if (input.UserPoolId !== this.userPoolId) throw new CognitoFault('ResourceNotFoundException', 'User pool does not exist.');
      send(200, this.act(action, input));
    } catch (err) {
      if (err instanceof CognitoFault) send(err.status, { __type: err.type, message: err.message });
      else send(500, { __type: 'InternalErrorException', message: 'Internal error' });
    }
  }

  private act(action: string, input: Record<string, unknown>): unknown {
    const attributes = (u: FakeCognitoUser) => [...u.attributes].map(([Name, Value]) => ({ Name, Value }));
    const epoch = Math.floor(Date.now() / 1000);
    switch (action) {
      case 'ListUsers': {
        const filter = typeof input.Filter === 'string' ? input.Filter : '';
        const m = /^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
        if (filter && !m) throw new CognitoFault('InvalidParameterException', 'Invalid filter');
        const value = m?.[3]?.replace(/\\(.)/g, '$1') ?? '';
        const matches = this.users.filter((u) => {
          if (!m) return true;
          const v = m[1] === 'username' ? u.username : u.attributes.get(m[1]!);
          return v !== undefined && (m[2] === '=' ? v === value : v.startsWith(value));
        });
        const limit = Math.min(60, Number(input.Limit ?? 60));
        const start = Number(input.PaginationToken ?? 0);
        const page = matches.slice(start, start + limit);
        return {
          Users: page.map((u) => ({
            Username: u.username,
            Attributes: attributes(u),
            Enabled: u.enabled,
            UserStatus: 'CONFIRMED',
            UserCreateDate: epoch,
            UserLastModifiedDate: epoch,
          })),
          ...(start + limit < matches.length ? { PaginationToken: String(start + limit) } : {}),
        };
      }
      case 'AdminGetUser': {
        const u = this.find(input.Username);
        return {
          Username: u.username,
          UserAttributes: attributes(u),
          Enabled: u.enabled,
          UserStatus: 'CONFIRMED',
          UserCreateDate: epoch,
          UserLastModifiedDate: epoch,
          ...(u.preferredMfa ? { PreferredMfaSetting: u.preferredMfa } : {}),
          ...(u.mfa.size > 0 ? { UserMFASettingList: [...u.mfa] } : {}),
        };
      }
      case 'AdminListGroupsForUser': {
        const u = this.find(input.Username);
        const groups = [...u.groups];
        const limit = Number(input.Limit ?? 50);
        const start = Number(input.NextToken ?? 0);
        return {
          Groups: groups.slice(start, start + limit).map((GroupName) => ({ GroupName, UserPoolId: this.userPoolId })),
          ...(start + limit < groups.length ? { NextToken: String(start + limit) } : {}),
        };
      }
      case 'AdminSetUserMFAPreference': {
        const u = this.find(input.Username);
        const settings: Array<[string, unknown]> = [
          ['SOFTWARE_TOKEN_MFA', input.SoftwareTokenMfaSettings],
          ['SMS_MFA', input.SMSMfaSettings],
          ['EMAIL_OTP', input.EmailMfaSettings],
        ];
        for (const [name, s] of settings) {
          if (!s || typeof s !== 'object') continue;
          const { Enabled, PreferredMfa } = s as { Enabled?: boolean; PreferredMfa?: boolean };
          if (Enabled === false) u.mfa.delete(name);
          if (Enabled === true) u.mfa.add(name);
          if (PreferredMfa === true) u.preferredMfa = name;
          if (PreferredMfa === false && u.preferredMfa === name) u.preferredMfa = null;
        }
        return {};
      }
      case 'GetUserPoolMfaConfig':
        return { MfaConfiguration: this.mfaConfiguration, SoftwareTokenMfaConfiguration: { Enabled: true } };
      case 'AdminUserGlobalSignOut':
        this.find(input.Username).refreshTokens.clear();
        return {};
      case 'AdminListUserAuthEvents': {
        if (!this.threatProtection)
          throw new CognitoFault('UserPoolAddOnNotEnabledException', 'Advanced security features are not enabled.');
        const u = this.find(input.Username);
        const events = [...u.signIns].reverse();
        const limit = Number(input.MaxResults ?? 60);
        const start = Number(input.NextToken ?? 0);
        return {
          AuthEvents: events.slice(start, start + limit).map((at, i) => ({
            EventId: `${u.sub}-${start + i}`,
            EventType: 'SignIn',
            CreationDate: at.getTime() / 1000,
            EventResponse: 'Pass',
            ChallengeResponses: [
              { ChallengeName: 'Password', ChallengeResponse: 'Success' },
              { ChallengeName: 'Mfa', ChallengeResponse: 'Success' },
            ],
          })),
          ...(start + limit < events.length ? { NextToken: String(start + limit) } : {}),
        };
      }
      case 'AdminDisableUser':
        this.find(input.Username).enabled = false;
        return {};
      case 'AdminEnableUser':
        this.find(input.Username).enabled = true;
        return {};
      default:
        throw new CognitoFault('UnknownOperationException', `Unknown operation ${action}`);
    }
  }
}
