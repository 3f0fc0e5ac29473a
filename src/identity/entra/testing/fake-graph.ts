import crypto from 'node:crypto';
import { type FakeRequest, type FakeResponse, bearerToken, parseBody, startFakeHttp } from '../../testing/fake-http';

/**
 * A local Microsoft Entra tenant for tests: the v2.0 token endpoint's client-credentials grant and
 * the Microsoft Graph v1.0 paths the adapter uses, with Graph's documented behaviour — error bodies
 * `{error: {code, message, innerError}}`, `$select` honoured (unselected properties are absent,
 * signInActivity only when selected and AuditLog.Read.All is granted), `$top` paging with an absolute
 * `@odata.nextLink`, 429 with Retry-After, application permissions checked per call, directory
 * objects of a type the app may not read returned with only `@odata.type` and `id`, and the
 * "Cannot delete default method with other methods configured" refusal.
 * Sources: learn.microsoft.com/graph/api (user-list, user-get, authentication-list-methods, the
 * per-type *-delete pages, user-revokesigninsessions, user-list-transitivememberof, user-update),
 * /graph/errors, /graph/throttling, /entra/identity-platform/v2-oauth2-client-creds-grant-flow.
 */

export interface FakeEntraUser {
  id: string;
  displayName: string;
  mail: string | null;
  userPrincipalName: string;
  mobilePhone: string | null;
  businessPhones: string[];
  preferredLanguage: string | null;
  accountEnabled: boolean;
  /** Directory extension attributes, e.g. extension_<appId>_nameKana. */
  extensions: Record<string, string>;
  groups: Array<{ id: string; displayName: string }>;
  directoryRoles: string[];
  lastSuccessfulSignInDateTime: string | null;
}

export interface FakeEntraMethod {
  '@odata.type': string;
  id: string;
  /** The user's default MFA method, which Graph refuses to delete while other MFA methods remain. */
  isDefault?: boolean;
  displayName?: string;
}

/** The application permissions README "Microsoft Entra ID" asks for (least privilege). */
export const ENTRA_AIZUCHI_PERMISSIONS = [
  'User.Read.All',
  'UserAuthenticationMethod.ReadWrite.All',
  'User.RevokeSessions.All',
  'User.EnableDisableAccount.All',
  'AuditLog.Read.All',
  'GroupMember.Read.All',
] as const;

/** The password method's fixed id (authentication-list-passwordmethods). */
export const PASSWORD_METHOD_ID = '28c10230-6103-485e-b985-444c60001490';

const SEGMENTS: Record<string, string> = {
  '#microsoft.graph.phoneAuthenticationMethod': 'phoneMethods',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticatorMethods',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOathMethods',
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2Methods',
  '#microsoft.graph.emailAuthenticationMethod': 'emailMethods',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPassMethods',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusinessMethods',
};

const SELECTABLE = new Set([
  'id',
  'displayName',
  'mail',
  'userPrincipalName',
  'mobilePhone',
  'businessPhones',
  'preferredLanguage',
  'accountEnabled',
  'signInActivity',
]);
const DEFAULT_SELECT = ['id', 'displayName', 'mail', 'userPrincipalName', 'mobilePhone', 'businessPhones', 'preferredLanguage'];

export interface FakeGraph {
  /** AIZUCHI_ENTRA_LOGIN_URL and AIZUCHI_ENTRA_GRAPH_URL (one server answers both). */
  readonly url: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  addUser(user: Partial<FakeEntraUser> & Pick<FakeEntraUser, 'displayName' | 'userPrincipalName'>): string;
  addMethod(userId: string, odataType: string, options?: { isDefault?: boolean; id?: string }): string;
  methods(userId: string): FakeEntraMethod[];
  user(userId: string): FakeEntraUser | undefined;
  signIn(userId: string, at?: Date): string;
  sessionActive(sessionId: string): boolean;
  rateLimitNext(count: number, retryAfterSec?: number): void;
  expireTokens(): void;
  readonly requests: string[];
  tokenRequests(): number;
  close(): Promise<void>;
}

const graphError = (status: number, code: string, message: string): FakeResponse => ({
  status,
  json: {
    error: {
      code,
      message,
      innerError: { date: new Date().toISOString(), 'request-id': crypto.randomUUID(), 'client-request-id': crypto.randomUUID() },
    },
  },
});

/** Parses the one filter shape the adapter sends: `mail eq '…' or userPrincipalName eq '…'` ('' escapes a quote). */
function parseFilter(filter: string): Array<{ prop: string; value: string }> | null {
  const clauses = filter.split(/\s+or\s+/i).map((c) => /^(mail|userPrincipalName)\s+eq\s+'((?:[^']|'')*)'$/.exec(c.trim()));
  if (clauses.some((c) => !c)) return null;
  return clauses.map((c) => ({ prop: c![1]!, value: c![2]!.replace(/''/g, "'") }));
}

/**
 * Starts a fake tenant + Graph on 127.0.0.1 (one URL serves as both AIZUCHI_ENTRA_LOGIN_URL and
 * AIZUCHI_ENTRA_GRAPH_URL) with a fresh app registration granted `permissions` (default: the README's
 * set); `pageSize` is the most objects one page returns before an @odata.nextLink.
 */
export async function startFakeGraph(options: { permissions?: readonly string[]; pageSize?: number } = {}): Promise<FakeGraph> {
  const tenantId = crypto.randomUUID();
  const clientId = crypto.randomUUID();
  const clientSecret = crypto.randomBytes(30).toString('base64url');
  const permissions = new Set(options.permissions ?? ENTRA_AIZUCHI_PERMISSIONS);
  const pageSize = options.pageSize ?? 100;
  const users = new Map<string, FakeEntraUser>();
  const methods = new Map<string, FakeEntraMethod[]>();
  const sessions = new Map<string, string>();
  const tokens = new Map<string, number>();
  const requests: string[] = [];
  let tokenCount = 0;
  let limited = 0;
  let retryAfter = 1;
  let base = '';

  function token(req: FakeRequest, tenant: string): FakeResponse {
    const body = parseBody(req);
    const aad = (status: number, error: string, description: string) => ({
      status,
      json: {
        error,
        error_description: description,
        error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
        timestamp: new Date().toISOString(),
      },
    });
    if (tenant !== tenantId) return aad(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
    if (!body || !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return aad(400, 'invalid_request', 'AADSTS900144: The request body must contain the following parameter: grant_type.');
    }
    if (body.grant_type !== 'client_credentials')
      return aad(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    if (body.scope !== 'https://graph.microsoft.com/.default')
      return aad(400, 'invalid_scope', 'AADSTS1002012: The provided value for scope is not valid.');
    if (body.client_id !== clientId || body.client_secret !== clientSecret) {
      return aad(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
    }
    tokenCount += 1;
    const accessToken = crypto.randomBytes(32).toString('base64url');
    tokens.set(accessToken, Date.now() + 3599_000);
    return { status: 200, json: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken } };
  }

  const denied = () => graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  const notFound = (id: string) =>
    graphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    );

  function project(user: FakeEntraUser, select: string | null): Record<string, unknown> | FakeResponse {
    const fields = select ? select.split(',').map((s) => s.trim()) : DEFAULT_SELECT;
    const out: Record<string, unknown> = { id: user.id };
    for (const f of fields) {
      if (f.startsWith('extension_')) {
        if (user.extensions[f] !== undefined) out[f] = user.extensions[f];
      } else if (!SELECTABLE.has(f)) {
        return graphError(400, 'Request_BadRequest', `Could not find a property named '${f}' on type 'microsoft.graph.user'.`);
      } else if (f === 'signInActivity') {
        if (!permissions.has('AuditLog.Read.All')) return denied();
        out.signInActivity = { lastSuccessfulSignInDateTime: user.lastSuccessfulSignInDateTime };
      } else {
        out[f] = user[f as keyof FakeEntraUser];
      }
    }
    return out;
  }

  /** One page of `items` from the `$skiptoken` offset, with an absolute nextLink when more remain. */
  function paged(req: FakeRequest, items: unknown[]): FakeResponse {
    const top = Math.min(Number(req.query.get('$top') ?? pageSize), pageSize);
    const skip = Number(req.query.get('$skiptoken') ?? '0');
    const slice = items.slice(skip, skip + top);
    const next = new URLSearchParams(req.query);
    next.set('$skiptoken', String(skip + top));
    return {
      status: 200,
      json: { value: slice, ...(skip + top < items.length ? { '@odata.nextLink': `${base}${req.path}?${next.toString()}` } : {}) },
    };
  }

  function graph(req: FakeRequest): FakeResponse {
    const t = bearerToken(req);
    const expiry = t ? tokens.get(t) : undefined;
    if (!t) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    if (expiry === undefined || expiry <= Date.now())
      return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    if (limited > 0) {
      limited -= 1;
      return { ...graphError(429, 'TooManyRequests', 'Too many requests.'), headers: { 'retry-after': String(retryAfter) } };
    }
    const rest = req.path.slice('/v1.0/'.length);
    const can = (p: string) => permissions.has(p);
    if (rest === 'users' && req.method === 'GET') {
      if (!can('User.Read.All')) return denied();
      const filter = req.query.get('$filter');
      const clauses = filter ? parseFilter(filter) : [];
      if (!clauses) return graphError(400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified.');
      const match = [...users.values()].filter(
        (u) =>
          clauses.length === 0 ||
          clauses.some((c) => String(u[c.prop as 'mail' | 'userPrincipalName'] ?? '').toLowerCase() === c.value.toLowerCase()),
      );
      const projected = match.map((u) => project(u, req.query.get('$select')));
      const bad = projected.find((p) => 'status' in p && typeof p.status === 'number' && 'json' in p);
      return bad ? (bad as FakeResponse) : paged(req, projected);
    }
    const m = /^users\/([^/]+)(?:\/(.+))?$/.exec(rest);
    if (!m) return graphError(400, 'BadRequest', `Resource not found for the segment '${rest.split('/')[0]}'.`);
    const id = decodeURIComponent(m[1]!);
    const sub = m[2] ?? '';
    const user = users.get(id);
    if (sub === '' && req.method === 'GET') {
      if (!can('User.Read.All')) return denied();
      if (!user) return notFound(id);
      const projected = project(user, req.query.get('$select'));
      return 'json' in projected && 'status' in projected ? (projected as FakeResponse) : { status: 200, json: projected };
    }
    if (sub === '' && req.method === 'PATCH') {
      const body = parseBody(req);
      if (!body) return graphError(400, 'BadRequest', 'Invalid request body.');
      if ('accountEnabled' in body && !can('User.EnableDisableAccount.All')) return denied();
      if (!user) return notFound(id);
      if (typeof body.accountEnabled === 'boolean') user.accountEnabled = body.accountEnabled;
      return { status: 204 };
    }
    if (sub === 'transitiveMemberOf' && req.method === 'GET') {
      if (!can('User.Read.All')) return denied();
      if (!user) return notFound(id);
      // Without a group permission Graph returns group objects with only @odata.type and id.
      const groupsReadable = can('GroupMember.Read.All') || can('Group.Read.All') || can('Directory.Read.All');
      const items = [
        ...user.groups.map((g) => ({
          '@odata.type': '#microsoft.graph.group',
          id: g.id,
          displayName: groupsReadable ? g.displayName : null,
        })),
        ...user.directoryRoles.map((name) => ({
          '@odata.type': '#microsoft.graph.directoryRole',
          id: crypto.createHash('sha1').update(name).digest('hex'),
          displayName: null,
        })),
      ];
      return paged(req, items);
    }
    if (sub === 'revokeSignInSessions' && req.method === 'POST') {
      if (!can('User.RevokeSessions.All')) return denied();
      if (!user) return notFound(id);
      for (const [sid, uid] of sessions) if (uid === id) sessions.delete(sid);
      return { status: 200, json: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true } };
    }
    if (sub === 'authentication/methods' && req.method === 'GET') {
      if (!can('UserAuthenticationMethod.ReadWrite.All') && !can('UserAuthenticationMethod.Read.All')) return denied();
      if (!user) return notFound(id);
      return paged(
        req,
        (methods.get(id) ?? []).map(({ isDefault: _d, ...rest }) => rest),
      );
    }
    const del = /^authentication\/([A-Za-z0-9]+)\/([^/]+)$/.exec(sub);
    if (del && req.method === 'DELETE') {
      if (!can('UserAuthenticationMethod.ReadWrite.All')) return denied();
      if (!user) return notFound(id);
      const list = methods.get(id) ?? [];
      const i = list.findIndex((x) => x.id === decodeURIComponent(del[2]!) && SEGMENTS[x['@odata.type']] === del[1]);
      if (i < 0) return notFound(decodeURIComponent(del[2]!));
      const others = list.filter(
        (x, j) =>
          j !== i &&
          x['@odata.type'] !== '#microsoft.graph.passwordAuthenticationMethod' &&
          x['@odata.type'] !== '#microsoft.graph.emailAuthenticationMethod',
      );
      if (list[i]!.isDefault && others.length > 0) {
        return graphError(
          400,
          'badRequest',
          'Cannot delete default method with other methods configured. Please change default method before deletion.',
        );
      }
      list.splice(i, 1);
      return { status: 204 };
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${sub.split('/')[0]}'.`);
  }

  const running = await startFakeHttp((req) => {
    requests.push(`${req.method} ${req.path}${req.query.size ? `?${decodeURIComponent(req.query.toString())}` : ''}`);
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(req.path);
    if (tokenPath && req.method === 'POST') return token(req, tokenPath[1]!);
    if (req.path.startsWith('/v1.0/')) return graph(req);
    return graphError(404, 'NotFound', 'Not found');
  });
  base = running.url;

  return {
    url: running.url,
    tenantId,
    clientId,
    clientSecret,
    requests,
    addUser(input) {
      const id = crypto.randomUUID();
      users.set(id, {
        mail: null,
        mobilePhone: null,
        businessPhones: [],
        preferredLanguage: null,
        accountEnabled: true,
        extensions: {},
        groups: [],
        directoryRoles: [],
        lastSuccessfulSignInDateTime: null,
        ...structuredClone(input),
        id,
      });
      methods.set(id, [{ '@odata.type': '#microsoft.graph.passwordAuthenticationMethod', id: PASSWORD_METHOD_ID }]);
      return id;
    },
    addMethod(userId, odataType, opts = {}) {
      const id = opts.id ?? crypto.randomUUID();
      methods.get(userId)?.push({ '@odata.type': odataType, id, ...(opts.isDefault ? { isDefault: true } : {}) });
      return id;
    },
    methods: (userId) => structuredClone(methods.get(userId) ?? []),
    user: (userId) => structuredClone(users.get(userId)),
    signIn(userId, at = new Date()) {
      const user = users.get(userId);
      if (!user) throw new Error(`fake graph: no user ${userId}`);
      user.lastSuccessfulSignInDateTime = at.toISOString();
      const sid = crypto.randomUUID();
      sessions.set(sid, userId);
      return sid;
    },
    sessionActive: (sid) => sessions.has(sid),
    rateLimitNext(count, sec = 1) {
      limited = count;
      retryAfter = sec;
    },
    expireTokens() {
      for (const t of tokens.keys()) tokens.set(t, 0);
    },
    tokenRequests: () => tokenCount,
    close: () => running.close(),
  };
}
