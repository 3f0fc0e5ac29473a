import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * A local server that answers as the Keycloak Admin REST API documents, for the paths aizuchi uses:
 * the client-credentials token endpoint (`invalid_client` for a wrong secret), and under
 * `/admin/realms/{realm}`: users search (`email`, `exact`, `briefRepresentation`, `first`/`max`),
 * user read/update (partial PUT as Keycloak applies it), credentials list/delete, groups, realm role
 * mappings (effective) and all role mappings, logout, consents list/delete, sessions, events and the
 * events config. Bearer tokens expire (401 `HTTP 401 Unauthorized`), admin roles of the service
 * account are checked (403 `unknown_error`), 404 bodies are `{"error":"User not found"}`, and a test
 * may queue 429 (with Retry-After) or 503 answers, or make requests be refused for good
 * (refuseAlways). Listens on 127.0.0.1 only.
 */
export interface FakeKcUser {
  id: string;
  username: string;
  email: string;
  firstName: string;
  lastName: string;
  enabled: boolean;
  attributes: Record<string, string[]>;
  requiredActions: string[];
  credentials: Array<{ id: string; type: string; userLabel?: string; createdDate: number }>;
  groups: string[];
  realmRoles: string[];
  realmManagementRoles: string[];
  sessions: Array<{ id: string; start: number; lastAccess: number }>;
  /** Clients the user granted offline access to (consents with an offline token). */
  offlineClients: string[];
}

export interface FakeKeycloak {
  readonly url: string;
  readonly realm: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly users: Map<string, FakeKcUser>;
  /** Admin requests served, as `METHOD /path` without the realm prefix or query. */
  readonly requests: string[];
  /** The realm stores LOGIN events (events config); signIn then records one. */
  eventsEnabled: boolean;
  /** Behave as Keycloak before 17, which ignores `exact` and matches emails by substring. */
  ignoreExact: boolean;
  /** Admin roles the service account holds (realm-management): view-users, manage-users, view-events. */
  serviceAccountRoles: Set<string>;
  addUser(user: Partial<FakeKcUser> & { email: string }): FakeKcUser;
  /** A completed browser sign-in: a new session (and a LOGIN event when events are on); returns the session id. */
  signIn(userId: string, at?: number): string;
  /** Every issued token stops working (as after its lifetime). */
  expireTokens(): void;
  /** The next `count` admin requests answer 429 with `Retry-After: retryAfterSec`. */
  rateLimitNext(count: number, retryAfterSec: number): void;
  /** The next `count` admin requests answer 503. */
  failNext(count: number): void;
  /** Admin requests `METHOD /path` whose path ends with `suffix` answer 503 until `count` have (Infinity: until cleared with 0). */
  failPath(method: string, suffix: string, count: number): void;
  /**
   * A refusal that does not pass: from now on every admin request `METHOD /path` whose path ends with
   * `match.suffix` (every admin request when `match` is left out) answers `status` — 403 as Keycloak
   * refuses a service account without the role (`{"error":"unknown_error"}`), or any other status with
   * that body — after the bearer token is checked and before queued 429/503 answers. Retries and later
   * jobs meet the same answer. `status` 0 ends the refusal for that `match` (without `match`: all).
   */
  refuseAlways(status: number, match?: { method: string; suffix: string }): void;
  tokensIssued(): number;
  close(): Promise<void>;
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined> }>;

export async function startFakeKeycloak(opts: { realm?: string; clientId?: string; clientSecret?: string } = {}): Promise<FakeKeycloak> {
  const realm = opts.realm ?? 'acme';
  const clientId = opts.clientId ?? 'aizuchi';
  const clientSecret = opts.clientSecret ?? randomBytes(16).toString('hex');
  const users = new Map<string, FakeKcUser>();
  const events: Array<{ time: number; type: string; userId: string }> = [];
  const tokens = new Map<string, { expired: boolean }>();
  const requests: string[] = [];
  let issued = 0;
  let rateLimited = { count: 0, retryAfterSec: 0 };
  let failing = 0;
  const failingPaths: Array<{ method: string; suffix: string; count: number }> = [];
  let refusals: Array<{ status: number; method?: string; suffix?: string }> = [];

  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  app.post(`/realms/${realm}/protocol/openid-connect/token`, async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, string>;
    if (form.grant_type !== 'client_credentials') return reply.code(400).send({ error: 'unsupported_grant_type' });
    if (form.client_id !== clientId || form.client_secret !== clientSecret) {
      return reply.code(401).send({ error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' });
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { expired: false });
    issued += 1;
    return {
      access_token: token,
      expires_in: 300,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'profile email',
    };
  });

  const admin = `/admin/realms/${realm}`;
  const NEEDS: Record<string, string> = { GET: 'view-users', PUT: 'manage-users', POST: 'manage-users', DELETE: 'manage-users' };
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith(admin)) return;
    const path = req.url.slice(admin.length).split('?')[0]!;
    requests.push(`${req.method} ${path}`);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!token || !tokens.has(token) || tokens.get(token)!.expired) return reply.code(401).send({ error: 'HTTP 401 Unauthorized' });
    const refusal = refusals.find((r) => r.method === undefined || (r.method === req.method && path.endsWith(r.suffix!)));
    if (refusal) return reply.code(refusal.status).send({ error: 'unknown_error' });
    if (rateLimited.count > 0) {
      rateLimited.count -= 1;
      return reply.code(429).header('retry-after', String(rateLimited.retryAfterSec)).send({ error: 'too_many_requests' });
    }
    const byPath = failingPaths.find((f) => f.count > 0 && f.method === req.method && path.endsWith(f.suffix));
    if (failing > 0 || byPath) {
      if (byPath) byPath.count -= 1;
      else failing -= 1;
      return reply.code(503).send('Service Unavailable');
    }
    const needed = path.startsWith('/events') ? 'view-events' : NEEDS[req.method]!;
    if (!fake.serviceAccountRoles.has(needed)) return reply.code(403).send({ error: 'unknown_error' });
  });

  function user(req: Req, reply: FastifyReply): FakeKcUser | null {
    const u = users.get(req.params.id ?? '');
    if (!u) void reply.code(404).send({ error: 'User not found' });
    return u ?? null;
  }
  const representation = (u: FakeKcUser, brief: boolean) => ({
    id: u.id,
    username: u.username,
    email: u.email,
    emailVerified: true,
    firstName: u.firstName,
    lastName: u.lastName,
    enabled: u.enabled,
    createdTimestamp: 0,
    ...(brief ? {} : { attributes: u.attributes }),
    requiredActions: u.requiredActions,
  });

  app.get(`${admin}/users`, async (req: Req) => {
    const q = req.query;
    const email = (q.email ?? '').toLowerCase();
    const exact = q.exact === 'true' && !fake.ignoreExact;
    const found = [...users.values()].filter((u) => !email || (exact ? u.email === email : u.email.includes(email)));
    const first = Number(q.first ?? 0);
    const max = Number(q.max ?? 100);
    return found.slice(first, first + max).map((u) => representation(u, q.briefRepresentation === 'true'));
  });
  app.get(`${admin}/users/:id`, async (req: Req, reply) => {
    const u = user(req, reply);
    return u ? representation(u, false) : reply;
  });
  app.put(`${admin}/users/:id`, async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    // Keycloak applies only the fields present in the representation.
    const body = (req.body ?? {}) as Partial<FakeKcUser>;
    if (body.requiredActions) u.requiredActions = [...body.requiredActions];
    if (body.attributes) u.attributes = structuredClone(body.attributes);
    if (typeof body.enabled === 'boolean') u.enabled = body.enabled;
    if (typeof body.firstName === 'string') u.firstName = body.firstName;
    return reply.code(204).send();
  });
  app.get(`${admin}/users/:id/credentials`, async (req: Req, reply) => {
    const u = user(req, reply);
    return u ? u.credentials.map((c) => ({ ...c, priority: 10 })) : reply;
  });
  app.delete(`${admin}/users/:id/credentials/:credentialId`, async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    const index = u.credentials.findIndex((c) => c.id === req.params.credentialId);
    if (index < 0) return reply.code(404).send({ error: 'Credential not found' });
    u.credentials.splice(index, 1);
    return reply.code(204).send();
  });
  app.get(`${admin}/users/:id/groups`, async (req: Req, reply) => {
    const u = user(req, reply);
    return u ? u.groups.map((name) => ({ id: `g-${name}`, name, path: `/${name}`, subGroups: [] })) : reply;
  });
  app.get(`${admin}/users/:id/role-mappings/realm/composite`, async (req: Req, reply) => {
    const u = user(req, reply);
    return u
      ? ['default-roles-' + realm, ...u.realmRoles].map((name) => ({ id: `r-${name}`, name, composite: false, clientRole: false }))
      : reply;
  });
  app.get(`${admin}/users/:id/role-mappings`, async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    const realmMappings = u.realmRoles.map((name) => ({ id: `r-${name}`, name }));
    const clientMappings =
      u.realmManagementRoles.length > 0
        ? {
            'realm-management': {
              id: 'c-rm',
              client: 'realm-management',
              mappings: u.realmManagementRoles.map((name) => ({ id: `cr-${name}`, name })),
            },
          }
        : undefined;
    return { realmMappings, ...(clientMappings ? { clientMappings } : {}) };
  });
  app.post(`${admin}/users/:id/logout`, async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    u.sessions = [];
    return reply.code(204).send();
  });
  app.get(`${admin}/users/:id/consents`, async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    return u.offlineClients.map((c) => ({
      clientId: c,
      grantedClientScopes: ['offline_access'],
      createdDate: 0,
      lastUpdatedDate: 0,
      additionalGrants: [{ client: 'Offline Token', key: 'Offline Token' }],
    }));
  });
  app.delete(`${admin}/users/:id/consents/:client`, async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    const before = u.offlineClients.length;
    u.offlineClients = u.offlineClients.filter((c) => c !== req.params.client);
    if (u.offlineClients.length === before) return reply.code(404).send({ error: 'Consent nor offline token not found' });
    return reply.code(204).send();
  });
  app.get(`${admin}/users/:id/sessions`, async (req: Req, reply) => {
    const u = user(req, reply);
    return u ? u.sessions.map((s) => ({ ...s, userId: u.id, username: u.username, ipAddress: '127.0.0.1', clients: {} })) : reply;
  });
  app.get(`${admin}/events/config`, async () => ({
    eventsEnabled: fake.eventsEnabled,
    eventsListeners: ['jboss-logging'],
    enabledEventTypes: fake.eventsEnabled ? ['LOGIN', 'LOGIN_ERROR'] : [],
    adminEventsEnabled: false,
  }));
  app.get(`${admin}/events`, async (req: Req) => {
    const q = req.query;
    const from = q.dateFrom ? Date.parse(`${q.dateFrom}T00:00:00Z`) : 0;
    const found = events
      .filter((e) => (!q.user || e.userId === q.user) && (!q.type || e.type === q.type) && e.time >= from)
      .sort((a, b) => b.time - a.time);
    const first = Number(q.first ?? 0);
    const max = Number(q.max ?? 100);
    return found.slice(first, first + max).map((e) => ({ ...e, realmId: realm, clientId: 'account-console', ipAddress: '127.0.0.1' }));
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const fake: FakeKeycloak = {
    url: `http://127.0.0.1:${port}`,
    realm,
    clientId,
    clientSecret,
    users,
    requests,
    eventsEnabled: true,
    ignoreExact: false,
    serviceAccountRoles: new Set(['view-users', 'manage-users', 'view-events']),
    addUser(partial) {
      const id = partial.id ?? randomUUID();
      const u: FakeKcUser = {
        id,
        username: partial.username ?? partial.email.toLowerCase(),
        firstName: '',
        lastName: '',
        enabled: true,
        attributes: {},
        requiredActions: [],
        credentials: [{ id: randomUUID(), type: 'password', createdDate: 0 }],
        groups: [],
        realmRoles: [],
        realmManagementRoles: [],
        sessions: [],
        offlineClients: [],
        ...partial,
        email: partial.email.toLowerCase(),
      };
      users.set(id, u);
      return u;
    },
    signIn(userId, at = Date.now()) {
      const u = users.get(userId);
      if (!u) throw new Error(`fake keycloak: no user ${userId}`);
      const id = randomUUID();
      u.sessions.push({ id, start: at, lastAccess: at });
      if (fake.eventsEnabled) events.push({ time: at, type: 'LOGIN', userId });
      return id;
    },
    expireTokens() {
      for (const t of tokens.values()) t.expired = true;
    },
    rateLimitNext(count, retryAfterSec) {
      rateLimited = { count, retryAfterSec };
    },
    failNext(count) {
      failing = count;
    },
    failPath(method, suffix, count) {
      const existing = failingPaths.find((f) => f.method === method && f.suffix === suffix);
      if (existing) existing.count = count;
      else failingPaths.push({ method, suffix, count });
    },
    refuseAlways(status, match) {
      const same = (r: { method?: string; suffix?: string }) => r.method === match?.method && r.suffix === match?.suffix;
      refusals = match || status !== 0 ? refusals.filter((r) => !same(r)) : [];
      if (status !== 0) refusals.push({ status, ...match });
    },
    tokensIssued: () => issued,
    close: () => app.close(),
  };
  return fake;
}
