import { randomBytes, randomUUID } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { type JWK, importJWK, jwtVerify } from 'jose';

/**
 * A local server that answers as Okta's Management API documents, for what aizuchi uses: SSWS
 * API-token auth (401 E0000011), users search `search=profile.email eq "…"` with `limit` and cursor
 * paging through the Link header (`rel="next"` with `after`), user read, factors list/delete (404
 * E0000007), `DELETE sessions?oauthTokens=`, groups, admin roles (403 E0000006 unless the token may
 * read them), lifecycle suspend/unsuspend (400 E0000001 from the wrong status), and rate limiting
 * with X-Rate-Limit-Limit/-Remaining/-Reset on every answer and 429 E0000047 when a test asks.
 * OAuth 2.0 service apps: `POST /oauth2/v1/token` (client credentials with a private_key_jwt client
 * assertion verified against the app's registered public key: iss = sub = client id, aud = the token
 * URL, exp; only granted `okta.*` scopes) issues Bearer tokens, which a test can expire; a Bearer call
 * needs okta.users.read (reads) or okta.users.manage (writes).
 * Listens on 127.0.0.1 only.
 */
export interface FakeOktaUser {
  id: string;
  status: 'ACTIVE' | 'SUSPENDED' | 'DEPROVISIONED';
  lastLogin: string | null;
  profile: Record<string, string | null>;
  factors: Array<{ id: string; factorType: string; provider: string; status: string; profile?: Record<string, string> }>;
  groups: string[];
  adminRoles: string[];
  sessions: string[];
  /** OAuth refresh tokens issued to the user's apps; cleared by DELETE sessions?oauthTokens=true. */
  oauthTokens: number;
}

export interface FakeOkta {
  readonly orgUrl: string;
  readonly apiToken: string;
  readonly users: Map<string, FakeOktaUser>;
  /** Requests served, as `METHOD /path` (no query). */
  readonly requests: string[];
  /** Page size cap for users search (Okta's `limit`). */
  maxLimit: number;
  /** The API token may read admin roles (its admin is a super or org admin). */
  canReadRoles: boolean;
  addUser(user: { email: string } & Partial<Omit<FakeOktaUser, 'profile'>> & { profile?: Record<string, string | null> }): FakeOktaUser;
  signIn(userId: string): string;
  rateLimitNext(count: number, resetInSec: number): void;
  /** Registers an API service app with its public key (JWK) and the scopes granted to it. */
  registerServiceApp(clientId: string, publicJwk: JWK, grantedScopes: string[]): void;
  /** Every issued OAuth access token stops working. */
  expireTokens(): void;
  tokensIssued(): number;
  close(): Promise<void>;
}

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined> }>;
const oktaError = (code: string, summary: string) => ({
  errorCode: code,
  errorSummary: summary,
  errorLink: code,
  errorId: `oae${randomBytes(8).toString('hex')}`,
  errorCauses: [],
});

export async function startFakeOkta(): Promise<FakeOkta> {
  const apiToken = `00${randomBytes(20).toString('base64url')}`;
  const users = new Map<string, FakeOktaUser>();
  const requests: string[] = [];
  let limited = { count: 0, resetInSec: 0 };
  const apps = new Map<string, { key: JWK; scopes: string[] }>();
  const bearer = new Map<string, { scopes: string[]; expired: boolean }>();
  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  app.post('/oauth2/v1/token', async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const refuse = (error: string) => reply.code(400).send({ error, error_description: error });
    if (form.grant_type !== 'client_credentials') return refuse('unsupported_grant_type');
    if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return refuse('invalid_client');
    const clientId = JSON.parse(Buffer.from((form.client_assertion ?? '').split('.')[1] ?? '', 'base64url').toString() || '{}')
      .iss as string;
    const registered = apps.get(clientId);
    if (!registered) return refuse('invalid_client');
    try {
      const { payload } = await jwtVerify(form.client_assertion!, await importJWK(registered.key, 'RS256'), {
        issuer: clientId,
        subject: clientId,
        audience: `${fake.orgUrl}/oauth2/v1/token`,
        algorithms: ['RS256'],
      });
      if (!payload.jti || !payload.exp) return refuse('invalid_client');
    } catch {
      return refuse('invalid_client');
    }
    const scopes = (form.scope ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !registered.scopes.includes(s))) return refuse('invalid_scope');
    const token = randomBytes(24).toString('base64url');
    bearer.set(token, { scopes, expired: false });
    return { token_type: 'Bearer', expires_in: 3600, access_token: token, scope: scopes.join(' ') };
  });

  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/oauth2/')) return;
    requests.push(`${req.method} ${req.url.split('?')[0]}`);
    const resetAt = Math.ceil(Date.now() / 1000) + 60;
    void reply.header('x-rate-limit-limit', '600').header('x-rate-limit-remaining', '599').header('x-rate-limit-reset', String(resetAt));
    const auth = req.headers.authorization ?? '';
    const oauth = auth.startsWith('Bearer ') ? bearer.get(auth.slice(7)) : undefined;
    if (auth !== `SSWS ${apiToken}` && (!oauth || oauth.expired))
      return reply.code(401).send(oktaError('E0000011', 'Invalid token provided'));
    const needed = req.method === 'GET' ? 'okta.users.read' : 'okta.users.manage';
    if (oauth && !oauth.scopes.includes(needed)) {
      return reply.code(403).send(oktaError('E0000006', 'You do not have permission to perform the requested action'));
    }
    if (limited.count > 0) {
      limited.count -= 1;
      return reply
        .code(429)
        .header('x-rate-limit-remaining', '0')
        .header('x-rate-limit-reset', String(Math.ceil(Date.now() / 1000) + limited.resetInSec))
        .send(oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'));
    }
  });

  function user(req: Req, reply: FastifyReply): FakeOktaUser | null {
    const u = users.get(req.params.id ?? '');
    if (!u) void reply.code(404).send(oktaError('E0000007', `Not found: Resource not found: ${req.params.id} (User)`));
    return u ?? null;
  }
  const representation = (u: FakeOktaUser) => ({
    id: u.id,
    status: u.status,
    created: '2026-01-01T00:00:00.000Z',
    lastLogin: u.lastLogin,
    profile: u.profile,
    _links: { self: { href: `${fake.orgUrl}/api/v1/users/${u.id}` } },
  });

  app.get('/api/v1/users', async (req: Req, reply) => {
    const q = req.query;
    const m = /^profile\.email eq "([^"]*)"$/.exec(q.search ?? '');
    if (q.search !== undefined && !m) return reply.code(400).send(oktaError('E0000031', 'Invalid search criteria.'));
    const wanted = m?.[1]?.toLowerCase();
    const all = [...users.values()]
      .filter((u) => !wanted || (u.profile.email ?? '').toLowerCase() === wanted)
      .sort((a, b) => a.id.localeCompare(b.id));
    const limit = Math.min(Number(q.limit ?? 200), fake.maxLimit);
    const start = q.after ? all.findIndex((u) => u.id > q.after!) : 0;
    const page = start < 0 ? [] : all.slice(start, start + limit);
    if (start >= 0 && start + limit < all.length) {
      const next = new URL(`${fake.orgUrl}/api/v1/users`);
      if (q.search) next.searchParams.set('search', q.search);
      next.searchParams.set('after', page.at(-1)!.id);
      next.searchParams.set('limit', String(limit));
      void reply.header('link', `<${fake.orgUrl}/api/v1/users?limit=${limit}>; rel="self", <${next.toString()}>; rel="next"`);
    }
    return page.map(representation);
  });
  app.get('/api/v1/users/:id', async (req: Req, reply) => {
    const u = user(req, reply);
    return u ? representation(u) : reply;
  });
  app.get('/api/v1/users/:id/factors', async (req: Req, reply) => {
    const u = user(req, reply);
    return u ? u.factors : reply;
  });
  app.delete('/api/v1/users/:id/factors/:factorId', async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    const i = u.factors.findIndex((f) => f.id === req.params.factorId);
    if (i < 0) return reply.code(404).send(oktaError('E0000007', `Not found: Resource not found: ${req.params.factorId} (UserFactor)`));
    u.factors.splice(i, 1);
    return reply.code(204).send();
  });
  app.delete('/api/v1/users/:id/sessions', async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    u.sessions = [];
    if (req.query.oauthTokens === 'true') u.oauthTokens = 0;
    return reply.code(204).send();
  });
  app.get('/api/v1/users/:id/groups', async (req: Req, reply) => {
    const u = user(req, reply);
    return u
      ? ['Everyone', ...u.groups].map((name) => ({
          id: `00g${name}`,
          type: name === 'Everyone' ? 'BUILT_IN' : 'OKTA_GROUP',
          profile: { name },
        }))
      : reply;
  });
  app.get('/api/v1/users/:id/roles', async (req: Req, reply) => {
    if (!fake.canReadRoles)
      return reply.code(403).send(oktaError('E0000006', 'You do not have permission to perform the requested action'));
    const u = user(req, reply);
    return u ? u.adminRoles.map((type) => ({ id: `ra${type}`, type, status: 'ACTIVE', assignmentType: 'USER' })) : reply;
  });
  app.post('/api/v1/users/:id/lifecycle/:action', async (req: Req, reply) => {
    const u = user(req, reply);
    if (!u) return reply;
    const [from, to] =
      req.params.action === 'suspend'
        ? ['ACTIVE', 'SUSPENDED']
        : req.params.action === 'unsuspend'
          ? ['SUSPENDED', 'ACTIVE']
          : [null, null];
    if (!from) return reply.code(404).send(oktaError('E0000022', 'The endpoint does not support the provided HTTP method'));
    if (u.status !== from)
      return reply.code(400).send(oktaError('E0000001', `Api validation failed: cannot ${req.params.action} a user that is ${u.status}`));
    u.status = to as FakeOktaUser['status'];
    return reply.code(200).send({});
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let seq = 0;

  const fake: FakeOkta = {
    orgUrl: `http://127.0.0.1:${port}`,
    apiToken,
    users,
    requests,
    maxLimit: 200,
    canReadRoles: true,
    addUser(partial) {
      const id = partial.id ?? `00u${String(++seq).padStart(4, '0')}${randomBytes(6).toString('hex')}`;
      const u: FakeOktaUser = {
        status: 'ACTIVE',
        lastLogin: null,
        factors: [],
        groups: [],
        adminRoles: [],
        sessions: [],
        oauthTokens: 0,
        ...partial,
        id,
        profile: { login: partial.email, ...partial.profile, email: partial.email },
      };
      users.set(id, u);
      return u;
    },
    signIn(userId) {
      const u = users.get(userId);
      if (!u) throw new Error(`fake okta: no user ${userId}`);
      const session = `102${randomUUID()}`;
      u.sessions.push(session);
      u.oauthTokens += 1;
      u.lastLogin = new Date().toISOString();
      return session;
    },
    rateLimitNext(count, resetInSec) {
      limited = { count, resetInSec };
    },
    registerServiceApp(clientId, publicJwk, grantedScopes) {
      apps.set(clientId, { key: publicJwk, scopes: grantedScopes });
    },
    expireTokens() {
      for (const t of bearer.values()) t.expired = true;
    },
    tokensIssued: () => bearer.size,
    close: () => app.close(),
  };
  return fake;
}
