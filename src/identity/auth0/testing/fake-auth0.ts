import crypto from 'node:crypto';
import { type FakeRequest, type FakeResponse, bearerToken, parseBody, startFakeHttp } from '../../testing/fake-http';

/**
 * A local Auth0 tenant for tests: the Authentication API's client-credentials grant and the
 * Management API v2 paths the adapter uses, with Auth0's documented shapes — error bodies
 * `{statusCode, error, message, errorCode}`, offset paging (`page`, `per_page`, `include_totals`),
 * scopes per endpoint, `x-ratelimit-*` headers on 429, 202 for session and refresh-token deletion.
 * Sources: https://auth0.com/docs/api/management/v2 (users, users-by-email, authentication-methods,
 * roles, sessions, refresh-tokens), .../rate-limit-policy, .../manage-user-sessions-with-auth0-management-api.
 *
 * The tenant's MFA policy is modelled as "Always": a user with no enrolled factor is asked to
 * enrol one at the next login, which is how Auth0 expresses "require a new factor".
 */

export interface FakeAuth0User {
  user_id: string;
  email: string;
  name: string;
  given_name?: string;
  family_name?: string;
  phone_number?: string;
  user_metadata: Record<string, unknown>;
  app_metadata: Record<string, unknown>;
  blocked?: boolean;
  last_login?: string;
  logins_count: number;
  created_at: string;
}

export interface FakeAuth0Method {
  id: string;
  type: string;
  confirmed: boolean;
  created_at: string;
  name?: string;
}

/** The scopes the aizuchi M2M application is granted in README "Auth0" (least privilege). */
export const AUTH0_AIZUCHI_SCOPES = [
  'read:users',
  'update:users',
  'update:users_app_metadata',
  'read:roles',
  'read:authentication_methods',
  'delete:authentication_methods',
  'delete:sessions',
  'delete:refresh_tokens',
] as const;

const TOKEN_TTL_SEC = 86_400;

export interface FakeAuth0 {
  /** The tenant's base URL, used as AIZUCHI_AUTH0_API_URL. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  addUser(user: Omit<FakeAuth0User, 'user_id' | 'logins_count' | 'created_at'> & { roles?: string[] }): string;
  addMethod(userId: string, type: string, name?: string): string;
  methods(userId: string): FakeAuth0Method[];
  /** A login through Universal Login: a session and a refresh token, last_login set. Returns the session id. */
  signIn(userId: string, at?: Date): string;
  sessionActive(sessionId: string): boolean;
  refreshTokens(userId: string): number;
  rememberedBrowsers(userId: string): boolean;
  user(userId: string): FakeAuth0User | undefined;
  /** The next `count` Management API calls answer 429 with `x-ratelimit-reset` `resetInSec` ahead. */
  rateLimitNext(count: number, resetInSec?: number): void;
  /** Every issued access token becomes expired (Auth0 answers 401 until a new one is fetched). */
  expireTokens(): void;
  /** Requests seen, as "METHOD path" (tests check paging and retries). */
  readonly requests: string[];
  tokenRequests(): number;
  close(): Promise<void>;
}

const err = (statusCode: number, error: string, message: string, errorCode?: string): FakeResponse => ({
  status: statusCode,
  json: { statusCode, error, message, ...(errorCode ? { errorCode } : {}) },
});

/**
 * Starts a fake tenant on 127.0.0.1 with a fresh M2M client (its id and secret on the result) granted
 * `scopes` (default: the README's least-privilege set). `perPageMax` is the largest `per_page` accepted.
 */
export async function startFakeAuth0(options: { scopes?: readonly string[]; perPageMax?: number } = {}): Promise<FakeAuth0> {
  const clientId = crypto.randomBytes(16).toString('hex');
  const clientSecret = crypto.randomBytes(32).toString('base64url');
  const scopes = options.scopes ?? AUTH0_AIZUCHI_SCOPES;
  const perPageMax = options.perPageMax ?? 100;
  const users = new Map<string, FakeAuth0User & { roles: string[] }>();
  const methods = new Map<string, FakeAuth0Method[]>();
  const sessions = new Map<string, string>(); // session id → user id
  const refresh = new Map<string, number>();
  const remembered = new Map<string, boolean>();
  const tokens = new Map<string, number>(); // token → expiry (ms)
  const requests: string[] = [];
  let tokenCount = 0;
  let limited = 0;
  let limitResetSec = 1;
  let audience = '';

  function page<T>(req: FakeRequest, items: T[], key: string): FakeResponse {
    const pageNo = Number(req.query.get('page') ?? '0');
    const perPage = Number(req.query.get('per_page') ?? '50');
    if (!Number.isInteger(pageNo) || pageNo < 0 || !Number.isInteger(perPage) || perPage < 1 || perPage > perPageMax) {
      return err(400, 'Bad Request', `Query validation error: 'per_page' must be between 1 and ${perPageMax}`, 'invalid_query_string');
    }
    const slice = items.slice(pageNo * perPage, (pageNo + 1) * perPage);
    if (req.query.get('include_totals') === 'true') {
      return { status: 200, json: { start: pageNo * perPage, limit: perPage, total: items.length, [key]: slice } };
    }
    return { status: 200, json: slice };
  }

  function token(req: FakeRequest): FakeResponse {
    const body = parseBody(req);
    if (!body) return { status: 400, json: { error: 'invalid_request', error_description: 'Invalid request body' } };
    if (body.grant_type !== 'client_credentials') {
      return { status: 403, json: { error: 'unauthorized_client', error_description: 'Grant type not allowed for the client.' } };
    }
    if (body.client_id !== clientId || body.client_secret !== clientSecret) {
      return { status: 401, json: { error: 'access_denied', error_description: 'Unauthorized' } };
    }
    if (body.audience !== audience) {
      return {
        status: 403,
        json: { error: 'access_denied', error_description: `Service not enabled within domain: ${String(body.audience)}` },
      };
    }
    tokenCount += 1;
    const accessToken = crypto.randomBytes(24).toString('base64url');
    tokens.set(accessToken, Date.now() + TOKEN_TTL_SEC * 1000);
    return { status: 200, json: { access_token: accessToken, scope: scopes.join(' '), expires_in: TOKEN_TTL_SEC, token_type: 'Bearer' } };
  }

  function needs(scope: string): FakeResponse | null {
    return scopes.includes(scope) ? null : err(403, 'Forbidden', `Insufficient scope, expected any of: ${scope}`, 'insufficient_scope');
  }

  const noUser = () => err(404, 'Not Found', 'The user does not exist.', 'inexistent_user');

  function api(req: FakeRequest): FakeResponse {
    const t = bearerToken(req);
    if (!t) return err(401, 'Unauthorized', 'Missing authentication');
    const expiry = tokens.get(t);
    if (expiry === undefined) return err(401, 'Unauthorized', 'Invalid token');
    if (expiry <= Date.now()) return err(401, 'Unauthorized', 'Expired token received for JSON Web Token validation');
    if (limited > 0) {
      limited -= 1;
      return {
        ...err(429, 'Too Many Requests', 'Global limit has been reached', 'too_many_requests'),
        headers: {
          'x-ratelimit-limit': '50',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + limitResetSec),
        },
      };
    }
    const rest = req.path.slice('/api/v2/'.length);
    if (req.method === 'GET' && rest === 'users-by-email') {
      const email = req.query.get('email');
      if (!email) return err(400, 'Bad Request', 'Query validation error: Missing required property: email', 'invalid_query_string');
      return needs('read:users') ?? { status: 200, json: [...users.values()].filter((u) => u.email === email).map(publicUser) };
    }
    const m = /^users\/([^/]+)(\/.*)?$/.exec(rest);
    if (!m) return err(404, 'Not Found', 'Not Found');
    const userId = decodeURIComponent(m[1]!);
    const sub = m[2] ?? '';
    const user = users.get(userId);
    const route = `${req.method} ${sub.replace(/^\/authentication-methods\/[^/]+$/, '/authentication-methods/:id')}`;
    switch (route) {
      case 'GET ':
        return needs('read:users') ?? (user ? { status: 200, json: publicUser(user) } : noUser());
      case 'PATCH ': {
        const denied = needs('update:users');
        if (denied) return denied;
        if (!user) return noUser();
        const body = parseBody(req);
        if (!body) return err(400, 'Bad Request', 'Payload validation error: Invalid JSON', 'invalid_body');
        if (body.app_metadata && typeof body.app_metadata === 'object') {
          // Top-level app_metadata keys are merged; a null value removes the key (Auth0 "Update a user").
          for (const [k, v] of Object.entries(body.app_metadata as Record<string, unknown>)) {
            if (v === null) delete user.app_metadata[k];
            else user.app_metadata[k] = v;
          }
        }
        if (typeof body.blocked === 'boolean') user.blocked = body.blocked;
        return { status: 200, json: publicUser(user) };
      }
      case 'GET /roles':
        return (
          needs('read:roles') ??
          (user
            ? page(
                req,
                user.roles.map((name) => ({ id: `rol_${name}`, name, description: name })),
                'roles',
              )
            : noUser())
        );
      case 'GET /authentication-methods':
        return needs('read:authentication_methods') ?? (user ? page(req, methods.get(userId) ?? [], 'authenticators') : noUser());
      case 'DELETE /authentication-methods/:id': {
        const denied = needs('delete:authentication_methods');
        if (denied) return denied;
        if (!user) return noUser();
        const id = decodeURIComponent(sub.slice('/authentication-methods/'.length));
        const list = methods.get(userId) ?? [];
        const i = list.findIndex((x) => x.id === id);
        if (i < 0) return err(404, 'Not Found', 'Authentication method not found', 'inexistent_authentication_method');
        list.splice(i, 1);
        return { status: 204 };
      }
      case 'POST /multifactor/actions/invalidate-remember-browser':
        if (needs('update:users')) return needs('update:users')!;
        if (!user) return noUser();
        remembered.set(userId, false);
        return { status: 204 };
      case 'DELETE /sessions':
        if (needs('delete:sessions')) return needs('delete:sessions')!;
        if (!user) return noUser();
        for (const [sid, uid] of sessions) if (uid === userId) sessions.delete(sid);
        return { status: 202 };
      case 'DELETE /refresh-tokens':
        if (needs('delete:refresh_tokens')) return needs('delete:refresh_tokens')!;
        if (!user) return noUser();
        refresh.set(userId, 0);
        return { status: 202 };
      default:
        return err(404, 'Not Found', 'Not Found');
    }
  }

  const publicUser = (u: FakeAuth0User & { roles: string[] }): FakeAuth0User => {
    const { roles: _roles, ...rest } = u;
    return structuredClone(rest);
  };

  const running = await startFakeHttp((req) => {
    requests.push(`${req.method} ${req.path}${req.query.size ? `?${req.query.toString()}` : ''}`);
    if (req.method === 'POST' && req.path === '/oauth/token') return token(req);
    if (req.path.startsWith('/api/v2/')) return api(req);
    return err(404, 'Not Found', 'Not Found');
  });
  audience = `${running.url}/api/v2/`;

  return {
    url: running.url,
    clientId,
    clientSecret,
    requests,
    addUser(input) {
      const user_id = `auth0|${crypto.randomBytes(12).toString('hex')}`;
      const { roles, ...fields } = input;
      users.set(user_id, {
        ...structuredClone(fields),
        user_id,
        logins_count: 0,
        created_at: new Date().toISOString(),
        roles: roles ?? [],
      });
      return user_id;
    },
    addMethod(userId, type, name) {
      const id = `${type}|dev_${crypto.randomBytes(8).toString('hex')}`;
      const list = methods.get(userId) ?? [];
      list.push({ id, type, confirmed: true, created_at: new Date().toISOString(), ...(name ? { name } : {}) });
      methods.set(userId, list);
      remembered.set(userId, true);
      return id;
    },
    methods: (userId) => structuredClone(methods.get(userId) ?? []),
    signIn(userId, at = new Date()) {
      const user = users.get(userId);
      if (!user) throw new Error(`fake auth0: no user ${userId}`);
      user.last_login = at.toISOString();
      user.logins_count += 1;
      const sid = crypto.randomBytes(12).toString('hex');
      sessions.set(sid, userId);
      refresh.set(userId, (refresh.get(userId) ?? 0) + 1);
      return sid;
    },
    sessionActive: (sid) => sessions.has(sid),
    refreshTokens: (userId) => refresh.get(userId) ?? 0,
    rememberedBrowsers: (userId) => remembered.get(userId) ?? false,
    user: (userId) => {
      const u = users.get(userId);
      return u ? publicUser(u) : undefined;
    },
    rateLimitNext(count, resetInSec = 1) {
      limited = count;
      limitResetSec = resetInSec;
    },
    expireTokens() {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    tokenRequests: () => tokenCount,
    close: () => running.close(),
  };
}
