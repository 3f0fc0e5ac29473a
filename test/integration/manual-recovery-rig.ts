import { expect } from 'vitest';
import { CHECKLIST_ITEMS } from '../../src/domain/policy';
import type { FakeKeycloak } from '../../src/identity/keycloak/testing/fake-keycloak';
import { seedKeycloakUser } from '../../src/identity/keycloak/testing/seed-keycloak-user';
import type { ManualClock } from '../e2e/support/clocks';
import { TEST_POSTGRES_URL } from '../e2e/support/databases';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

/** Monday 10:00 JST: open hours. */
export const MON_1000_JST = new Date('2035-12-03T01:00:00Z');
/** Every checklist item ticked. */
export const ALL = [...CHECKLIST_ITEMS];

/** The request id in a redirect to /console/manual-recoveries/:id. */
export const requestIdOf = (location: unknown) => /\/console\/manual-recoveries\/([^?]+)/.exec(String(location))?.[1] ?? '';

/**
 * The manual recovery tests' server (test/integration/manual-recovery*.test.ts): the real server on
 * SQLite or PostgreSQL with three signed-in operators (a, b, c), escalated cases made through the
 * public recovery API, and the holder's checklist submission. Call start() in beforeAll, stop() in afterAll.
 * With `keycloak` (a getter: the fake starts in beforeAll too) customers' accounts live in that fake
 * Keycloak and the server resets them through the real Keycloak provider (AIZUCHI_IDENTITY=keycloak);
 * operators stay local accounts, as they sign in to the console.
 */
export function manualRecoveryRig(db: { name: string }, clock: ManualClock, opts: { keycloak?: () => FakeKeycloak } = {}) {
  let server: TestServer | undefined;
  const ops: Array<{ id: string; b: InjectBrowser }> = [];
  let n = 0;
  const t = (): TestServer => {
    if (!server) throw new Error('manualRecoveryRig: start() first');
    return server;
  };

  /** An account (customer or operator) with MFA, and its recovery request from a number not on record: escalated for review. */
  async function escalatedCase(role: 'customer' | 'operator'): Promise<{ caseId: string; accountId: string; email: string; url: string }> {
    const i = ++n;
    const email = `manual${i}-${db.name}@example.com`;
    const phone = `090-3333-${String(3000 + i)}`;
    const name = `Manual ${i}`;
    const account = opts.keycloak
      ? {
          // seedKeycloakUser gives the user a password and an OTP credential (MFA on); 'operator' is privileged there.
          id: seedKeycloakUser(opts.keycloak(), {
            email,
            name,
            phoneE164: `+81${phone.replaceAll('-', '').slice(1)}`,
            lang: 'en',
            privileged: role === 'operator',
          }),
        }
      : (await t().services.identity.createAccount({ email, password: 'correct horse battery', name, phone, role, mfa: true, lang: 'en' }))
          .account;
    const res = await t().server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      remoteAddress: `192.0.2.${100 + i}`,
      payload: { email, phone: `080-7777-${String(2000 + i)}`, lang: 'en', consent: true },
    });
    expect(res.statusCode).toBe(202);
    const caseId = (await t().services.cases.list({ email }))[0]!.id;
    const esc = await t().services.store.db.selectFrom('escalations').selectAll().where('case_id', '=', caseId).executeTakeFirstOrThrow();
    return { caseId, accountId: account.id, email, url: `/console/escalations/${esc.id}` };
  }

  const history = async (caseId: string) =>
    (await t().services.cases.history(caseId)).map((e) => ({ kind: e.kind, data: JSON.parse(e.data) as Record<string, unknown> }));

  /** Operator `a` claims and submits the full checklist; returns the redirect. */
  async function submitted(a: InjectBrowser, url: string, items: readonly string[] = ALL, note = 'Rang the number on record; ID checked') {
    expect((await a.submit(url, `${url}/claim`, {})).statusCode).toBe(303);
    return a.submit(`${url}/manual?lang=en`, `${url}/manual`, { item: items, note });
  }

  /** Fresh full sessions for every operator at the clock's now (sensitive steps need a sign-in in the last 5 min). */
  async function signInAgain(): Promise<void> {
    for (const o of ops) o.b.useSession((await t().services.identity.sessions.create(o.id, 'full', clock.now())).token);
  }

  function keycloakEnv(): Record<string, string> {
    const kc = opts.keycloak?.();
    if (!kc) return {};
    return {
      AIZUCHI_IDENTITY: 'keycloak',
      AIZUCHI_KEYCLOAK_URL: kc.url,
      AIZUCHI_KEYCLOAK_REALM: kc.realm,
      AIZUCHI_KEYCLOAK_CLIENT_ID: kc.clientId,
      AIZUCHI_KEYCLOAK_CLIENT_SECRET: kc.clientSecret,
    };
  }

  async function start(): Promise<void> {
    server = await startTestServer({
      clock,
      postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
      env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0', ...keycloakEnv() },
    });
    for (const name of ['a', 'b', 'c']) {
      const { account } = await server.services.identity.createAccount({
        email: `op-${name}-${db.name}@example.com`,
        password: 'operator password',
        name: `Op ${name}`,
        phone: '03-1234-5678',
        role: 'operator',
        mfa: true,
      });
      const b = new InjectBrowser(server.server.app, '192.0.2.1');
      b.useSession((await server.services.identity.sessions.create(account.id, 'full', clock.now())).token);
      ops.push({ id: account.id, b });
    }
  }

  return { t, ops, escalatedCase, history, submitted, signInAgain, start, stop: async () => server?.stop() };
}
