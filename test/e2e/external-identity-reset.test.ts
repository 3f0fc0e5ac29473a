import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryDirectory, createIdentityWebhookReceiver } from '../../examples/identity-webhook-receiver.mjs';
import { AUTH0_REQUIRE_ENROLLMENT_FLAG } from '../../src/identity/auth0/auth0-provider';
import { AUTH0_AIZUCHI_SCOPES, startFakeAuth0 } from '../../src/identity/auth0/testing/fake-auth0';
import { startFakeGraph } from '../../src/identity/entra/testing/fake-graph';
import { InjectBrowser } from './support/inject-browser';
import {
  type TestServer,
  TextCaller,
  backchannels,
  callNow,
  ending,
  prompts,
  readCode,
  startTestServer,
  waitForMail,
} from './text-call-harness';

/**
 * Issue 12's "done when" for Auth0, Entra and the signed webhook: a customer who exists only in the
 * provider (its local protocol server) arrives from the company's sign-in page with a hand-off token,
 * sends the recovery form, and takes the text call under the `mailbox` preset; the call ends in
 * `mfa_reset` and the provider's server shows the factors gone, a new factor required where the
 * provider has such a thing, and the sessions revoked.
 */
const HANDOFF = {
  AIZUCHI_HANDOFF_SECRET: 'hand-off secret shared with the sign-in page, 32+ chars',
  AIZUCHI_HANDOFF_ISSUER: 'https://signin.example.com/',
  AIZUCHI_HANDOFF_AUDIENCE: 'aizuchi',
};
const ALEX = { email: 'alexi@gmail.com', phone: '+81 90-1234-5602', name: 'Alex Inomata' };
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

interface Provider {
  env: Record<string, string>;
  /** The provider's user id of ALEX, who has MFA and two signed-in sessions. */
  userId: string;
  sessions: string[];
  /** What the provider's server shows after the call. */
  state(): { factors: number; newFactorRequired: boolean | 'not modelled'; sessionsActive: number };
  close(): Promise<void>;
}

const providers: Record<string, () => Promise<Provider>> = {
  async auth0() {
    const fake = await startFakeAuth0();
    const userId = fake.addUser({
      email: ALEX.email,
      name: ALEX.name,
      app_metadata: { phoneNumber: ALEX.phone },
      user_metadata: { locale: 'en' },
    });
    fake.addMethod(userId, 'password');
    fake.addMethod(userId, 'totp');
    fake.addMethod(userId, 'webauthn-roaming');
    const sessions = [fake.signIn(userId, new Date(Date.now() - 86_400_000)), fake.signIn(userId, new Date(Date.now() - 86_400_000))];
    return {
      env: {
        AIZUCHI_IDENTITY: 'auth0',
        AIZUCHI_AUTH0_DOMAIN: 'example.jp.auth0.com',
        AIZUCHI_AUTH0_API_URL: fake.url,
        AIZUCHI_AUTH0_CLIENT_ID: fake.clientId,
        AIZUCHI_AUTH0_CLIENT_SECRET: fake.clientSecret,
      },
      userId,
      sessions,
      state: () => ({
        factors: fake.methods(userId).filter((m) => m.type !== 'password').length,
        newFactorRequired: fake.user(userId)?.app_metadata[AUTH0_REQUIRE_ENROLLMENT_FLAG] === true,
        sessionsActive: sessions.filter((s) => fake.sessionActive(s)).length + fake.refreshTokens(userId),
      }),
      close: () => fake.close(),
    };
  },
  async entra() {
    const fake = await startFakeGraph();
    const userId = fake.addUser({
      displayName: ALEX.name,
      userPrincipalName: 'alex@contoso.onmicrosoft.com',
      mail: ALEX.email,
      mobilePhone: ALEX.phone,
      preferredLanguage: 'en-US',
    });
    fake.addMethod(userId, '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod', { isDefault: true });
    fake.addMethod(userId, '#microsoft.graph.softwareOathAuthenticationMethod');
    const sessions = [fake.signIn(userId, new Date(Date.now() - 86_400_000)), fake.signIn(userId, new Date(Date.now() - 86_400_000))];
    return {
      env: {
        AIZUCHI_IDENTITY: 'entra',
        AIZUCHI_ENTRA_TENANT_ID: fake.tenantId,
        AIZUCHI_ENTRA_CLIENT_ID: fake.clientId,
        AIZUCHI_ENTRA_CLIENT_SECRET: fake.clientSecret,
        AIZUCHI_ENTRA_LOGIN_URL: fake.url,
        AIZUCHI_ENTRA_GRAPH_URL: fake.url,
      },
      userId,
      sessions,
      state: () => ({
        factors: fake.methods(userId).filter((m) => m['@odata.type'] !== '#microsoft.graph.passwordAuthenticationMethod').length,
        // Entra has no flag: re-registration follows from having no method (README "Microsoft Entra ID").
        newFactorRequired: 'not modelled',
        sessionsActive: sessions.filter((s) => fake.sessionActive(s)).length,
      }),
      close: () => fake.close(),
    };
  },
  async webhook() {
    const secret = crypto.randomBytes(32).toString('hex');
    const directory = new InMemoryDirectory();
    const userId = directory.add({
      id: 'u-7',
      email: ALEX.email,
      phone: ALEX.phone,
      lang: 'en',
      name: ALEX.name,
      privileged: false,
      factors: [{ id: 'f1', type: 'totp' }],
      sessions: ['s1', 's2'],
    });
    const server = createIdentityWebhookReceiver({ secret, directory });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const account = () => directory.accounts.get(userId)!;
    return {
      env: {
        AIZUCHI_IDENTITY: 'webhook',
        AIZUCHI_IDENTITY_WEBHOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/identity`,
        AIZUCHI_IDENTITY_WEBHOOK_SECRET: secret,
      },
      userId,
      sessions: ['s1', 's2'],
      state: () => ({
        factors: account().factors.length,
        newFactorRequired: account().newFactorRequired,
        sessionsActive: account().sessions.length,
      }),
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  },
};

/** Arrives from the sign-in page with a hand-off for `userId`, sends the form; returns the case id. */
async function requestWithHandoff(t: TestServer, userId: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sub: userId, email: ALEX.email, amr: ['pwd'], jti: crypto.randomUUID() })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(HANDOFF.AIZUCHI_HANDOFF_ISSUER)
    .setAudience(HANDOFF.AIZUCHI_HANDOFF_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .sign(new TextEncoder().encode(HANDOFF.AIZUCHI_HANDOFF_SECRET));
  const browser = new InjectBrowser(t.server.app, '203.0.113.7');
  const arrival = await browser.get(`/recover?lang=en&handoff=${encodeURIComponent(token)}`);
  expect(arrival.statusCode).toBe(303);
  const sent = await browser.submit(String(arrival.headers.location), '/recover', {
    email: ALEX.email,
    phone: ALEX.phone,
    lang: 'en',
    consent: 'yes',
  });
  expect(sent.statusCode).toBe(202);
  const [row] = await t.services.cases.list({ email: ALEX.email });
  expect(row).toMatchObject({ state: 'scheduled', assurance: 'password_verified' });
  return row!.id;
}

/** The English call: identity confirmed, the address spelled, the mailed code read back; returns the last turn. */
async function talkThroughCall(t: TestServer, caseId: string) {
  const call = await TextCaller.connect(await callNow(t, caseId));
  expect(prompts(await call.turn()).join(' ')).toMatch(/automated AI agent/);
  expect(prompts(await call.say('Yes, speaking.')).join(' ')).toMatch(/MFA.*one letter at a time/);
  expect(backchannels(await call.say('a, l, e, x, i'))).toHaveLength(1);
  expect(prompts(await call.say('at gmail dot com')).join(' ')).toMatch(/an 8-digit number/);
  const code = await readCode(t, ALEX.email);
  const words = (from: number) =>
    code
      .slice(from, from + 4)
      .split('')
      .map((d) => EN_DIGITS[Number(d)])
      .join(' ');
  await call.say(words(0));
  return call.say(words(4));
}

describe('a customer who exists only in an external provider recovers over a text call (mailbox)', () => {
  let t: TestServer | undefined;
  let provider: Provider | undefined;
  afterEach(async () => {
    await t?.stop();
    await provider?.close();
  });

  for (const [kind, start] of Object.entries(providers)) {
    it(`AIZUCHI_IDENTITY=${kind}`, async () => {
      provider = await start();
      t = await startTestServer({ AIZUCHI_POLICY: 'mailbox', ...HANDOFF, ...provider.env });

      // The company's sign-in page checked the password and hands the customer over.
      const caseId = await requestWithHandoff(t, provider.userId);
      const done = await talkThroughCall(t, caseId);
      expect(ending(done)).toBe('mfa_reset');

      expect((await t.services.cases.require(caseId)).state).toBe('resolved');
      const after = provider.state();
      expect(after.factors).toBe(0);
      expect(after.newFactorRequired).not.toBe(false);
      expect(after.sessionsActive).toBe(0);
      await waitForMail(t, ALEX.email, (m) => /MFA was removed/.test(m.subject));
    });
  }
  it('Auth0 without session deletion (not an Enterprise plan): the factors go, but the case is never reported as reset', async () => {
    const fake = await startFakeAuth0({ scopes: AUTH0_AIZUCHI_SCOPES.filter((s) => s !== 'delete:sessions') });
    const userId = fake.addUser({
      email: ALEX.email,
      name: ALEX.name,
      app_metadata: { phoneNumber: ALEX.phone },
      user_metadata: { locale: 'en' },
    });
    fake.addMethod(userId, 'totp');
    const session = fake.signIn(userId, new Date(Date.now() - 86_400_000));
    provider = {
      env: {},
      userId,
      sessions: [session],
      state: () => ({ factors: 0, newFactorRequired: true, sessionsActive: 0 }),
      close: () => fake.close(),
    };
    t = await startTestServer({
      AIZUCHI_POLICY: 'mailbox',
      ...HANDOFF,
      AIZUCHI_IDENTITY: 'auth0',
      AIZUCHI_AUTH0_DOMAIN: 'example.jp.auth0.com',
      AIZUCHI_AUTH0_API_URL: fake.url,
      AIZUCHI_AUTH0_CLIENT_ID: fake.clientId,
      AIZUCHI_AUTH0_CLIENT_SECRET: fake.clientSecret,
    });
    const caseId = await requestWithHandoff(t, userId);
    const done = await talkThroughCall(t, caseId);
    // The customer hears that a person will follow up; the case is left for one.
    expect(ending(done)).toBe('escalated');
    expect(prompts(done).join(' ')).toMatch(/A person will contact you/);
    expect(fake.methods(userId)).toEqual([]);
    expect(fake.sessionActive(session)).toBe(true);
    const history = await t.services.cases.history(caseId);
    const incomplete = history.find((e) => e.kind === 'reset_incomplete');
    expect(JSON.parse(incomplete!.data)).toMatchObject({ failedStep: 'sessions_revoked', retryable: false });
    expect(history.map((e) => e.kind)).not.toContain('mfa_reset');
    expect((await t.services.cases.require(caseId)).state).not.toBe('resolved');
  });
});
