import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeCognito } from '../../src/identity/cognito/testing/cognito-fake';
import { type FakeKeycloak, startFakeKeycloak } from '../../src/identity/keycloak/testing/fake-keycloak';
import { startFakeOkta } from '../../src/identity/okta/testing/fake-okta';
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
 * Issue 12, done when: with AIZUCHI_IDENTITY pointing at a provider's local protocol server, a
 * customer who exists only there arrives from the company's sign-in page (a signed hand-off), the
 * request becomes a case, the text call under the `mailbox` policy ends `mfa_reset`, and the
 * provider's own server then shows the factors removed, a new factor required and sessions revoked.
 */
const HANDOFF = {
  secret: 'hand-off secret shared with the sign-in page, 32+ chars',
  issuer: 'https://signin.example.com/',
  audience: 'aizuchi',
};
const EN_DIGITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

interface ProviderUnderTest {
  env: Record<string, string>;
  /** Creates the customer (with factors and a signed-in session) in the provider only; returns its id there. */
  seed(): string;
  /** What the provider's server shows after the reset. */
  state(id: string): { factors: string[]; newFactorRequired: boolean; sessions: number; offlineTokens: number };
  close(): Promise<void>;
}

async function keycloak(): Promise<ProviderUnderTest> {
  const fake: FakeKeycloak = await startFakeKeycloak();
  return {
    env: {
      AIZUCHI_IDENTITY: 'keycloak',
      AIZUCHI_KEYCLOAK_URL: fake.url,
      AIZUCHI_KEYCLOAK_REALM: fake.realm,
      AIZUCHI_KEYCLOAK_CLIENT_ID: fake.clientId,
      AIZUCHI_KEYCLOAK_CLIENT_SECRET: fake.clientSecret,
    },
    seed() {
      const user = fake.addUser({
        email: 'alexi@gmail.com',
        firstName: 'Alex',
        lastName: 'Inomata',
        attributes: { phoneNumber: ['+819012345602'], locale: ['en'] },
        offlineClients: ['mobile-app'],
      });
      user.credentials.push({ id: 'otp-1', type: 'otp', userLabel: 'Authenticator', createdDate: 0 });
      user.credentials.push({ id: 'key-1', type: 'webauthn', userLabel: 'YubiKey', createdDate: 0 });
      fake.signIn(user.id);
      return user.id;
    },
    state(id) {
      const u = fake.users.get(id)!;
      return {
        factors: u.credentials.filter((c) => c.type !== 'password').map((c) => c.type),
        newFactorRequired: u.requiredActions.includes('CONFIGURE_TOTP'),
        sessions: u.sessions.length,
        offlineTokens: u.offlineClients.length,
      };
    },
    close: () => fake.close(),
  };
}

async function cognito(): Promise<ProviderUnderTest> {
  const fake = new FakeCognito();
  const endpoint = await fake.start();
  return {
    env: {
      AIZUCHI_IDENTITY: 'cognito',
      AIZUCHI_COGNITO_REGION: 'ap-northeast-1',
      AIZUCHI_COGNITO_USER_POOL_ID: fake.userPoolId,
      AIZUCHI_COGNITO_ENDPOINT: endpoint,
      AIZUCHI_COGNITO_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AIZUCHI_COGNITO_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    },
    seed() {
      const sub = fake.addUser({
        attributes: { email: 'alexi@gmail.com', given_name: 'Alex', family_name: 'Inomata', phone_number: '+819012345602', locale: 'en' },
        mfa: ['SOFTWARE_TOKEN_MFA', 'SMS_MFA'],
      });
      fake.signIn(sub);
      return sub;
    },
    state(id) {
      const u = fake.find(id);
      return {
        factors: [...u.mfa],
        // The pool requires MFA, so a user with none enabled must set one up (MFA_SETUP) at the next sign-in.
        newFactorRequired: fake.mfaConfiguration === 'ON' && u.mfa.size === 0,
        sessions: u.refreshTokens.size,
        // Cognito has no offline tokens apart from refresh tokens (counted as sessions).
        offlineTokens: 0,
      };
    },
    close: () => fake.stop(),
  };
}

async function okta(): Promise<ProviderUnderTest> {
  const fake = await startFakeOkta();
  return {
    env: { AIZUCHI_IDENTITY: 'okta', AIZUCHI_OKTA_ORG_URL: fake.orgUrl, AIZUCHI_OKTA_API_TOKEN: fake.apiToken },
    seed() {
      const user = fake.addUser({
        email: 'alexi@gmail.com',
        profile: { firstName: 'Alex', lastName: 'Inomata', mobilePhone: '090-1234-5602', locale: 'en_US' },
        factors: [
          { id: 'uftotp1', factorType: 'token:software:totp', provider: 'GOOGLE', status: 'ACTIVE' },
          { id: 'opfpush1', factorType: 'push', provider: 'OKTA', status: 'ACTIVE' },
        ],
      });
      fake.signIn(user.id);
      return user.id;
    },
    state(id) {
      const u = fake.users.get(id)!;
      // Okta's enrolment policy (README) makes a user with no factor enrol one at the next sign-in.
      return {
        factors: u.factors.map((f) => f.factorType),
        newFactorRequired: u.factors.length === 0,
        sessions: u.sessions.length,
        offlineTokens: u.oauthTokens,
      };
    },
    close: () => fake.close(),
  };
}

const providers: Array<[string, () => Promise<ProviderUnderTest>]> = [
  ['keycloak', keycloak],
  ['cognito', cognito],
  ['okta', okta],
];

describe.each(providers)('a customer who exists only in %s recovers over a text call (mailbox policy)', (_name, start) => {
  let provider: ProviderUnderTest;
  let t: TestServer;

  beforeAll(async () => {
    provider = await start();
    t = await startTestServer({
      AIZUCHI_POLICY: 'mailbox',
      AIZUCHI_HANDOFF_SECRET: HANDOFF.secret,
      AIZUCHI_HANDOFF_ISSUER: HANDOFF.issuer,
      AIZUCHI_HANDOFF_AUDIENCE: HANDOFF.audience,
      ...provider.env,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await provider?.close();
  });

  it('the hand-off makes a password_verified case, the call resets MFA in the provider and the case resolves', async () => {
    const userId = provider.seed();
    expect(await t.services.identity.findAccountByEmail('alexi@gmail.com')).toBeNull();

    // Arrives from the company's sign-in page with a signed hand-off naming the provider's user.
    const iat = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ email: 'alexi@gmail.com', amr: ['pwd'], jti: `e2e-${userId}` })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(HANDOFF.issuer)
      .setAudience(HANDOFF.audience)
      .setSubject(userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(new TextEncoder().encode(HANDOFF.secret));
    const browser = new InjectBrowser(t.server.app, '198.51.100.7');
    const arrival = await browser.get(`/recover?lang=en&handoff=${encodeURIComponent(token)}`);
    expect(arrival.statusCode).toBe(303);
    const form = await browser.get(String(arrival.headers.location));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const sent = await browser.post('/recover', {
      email: 'alexi@gmail.com',
      phone: '090-1234-5602',
      lang: 'en',
      consent: 'yes',
      _csrf: csrf,
    });
    expect(sent.statusCode).toBe(202);
    const [row] = await t.services.cases.list({ email: 'alexi@gmail.com' });
    expect(row).toMatchObject({ account_id: userId, assurance: 'password_verified', phone_on_record: 1, state: 'scheduled' });
    const caseId = row!.id;

    const call = await TextCaller.connect(await callNow(t, caseId));
    expect(prompts(await call.turn())[0]).toMatch(/automated AI agent.*recorded/);
    // The name comes from the provider's first/last name; the form's consent covered recording.
    expect(prompts(await call.say('Yes, speaking.')).join(' ')).toMatch(/Thank you, Alex Inomata.*MFA.*one letter at a time/);
    expect(backchannels(await call.say('a, l, e, x, i'))).toHaveLength(1);
    expect(prompts(await call.say('at gmail dot com')).join(' ')).toMatch(/an 8-digit number/);
    const code = await readCode(t, 'alexi@gmail.com');
    const words = (from: number) =>
      code
        .slice(from, from + 4)
        .split('')
        .map((d) => EN_DIGITS[Number(d)])
        .join(' ');
    expect(backchannels(await call.say(words(0)))).toHaveLength(1);
    const done = await call.say(words(4));
    expect(prompts(done).join(' ')).toMatch(/removed MFA/);
    expect(ending(done)).toBe('mfa_reset');
    await call.waitClosed();

    // The provider's own server shows the reset.
    expect(provider.state(userId)).toEqual({ factors: [], newFactorRequired: true, sessions: 0, offlineTokens: 0 });
    await waitForMail(t, 'alexi@gmail.com', (m) => /MFA was removed/.test(m.subject));
    const resolved = await t.services.cases.require(caseId);
    expect(resolved).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
    const history = await t.services.cases.history(caseId);
    expect(history.filter((e) => e.kind === 'reset_step').map((e) => JSON.parse(e.data) as { step: string; provider: string })).toEqual([
      { step: 'new_factor_required', provider: _name },
      { step: 'mfa_removed', provider: _name },
      { step: 'sessions_revoked', provider: _name },
    ]);
  });
});
