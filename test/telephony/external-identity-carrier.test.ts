import { SignJWT } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeKeycloak, startFakeKeycloak } from '../../src/identity/keycloak/testing/fake-keycloak';
import { type FakeTwilio, startFakeTwilio } from '../../src/telephony/twilio/testing/fake-twilio-server';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { EN, type VendorCallRig, freePort, humanCallee, until, vendorCallRig } from './vendor-call-rig';

// Issue 12, done when (the part "under `standard` through a carrier call"): a customer who exists only in
// the company's identity provider arrives from its sign-in page with a signed hand-off; under the
// default `standard` policy the case is called through a carrier (the fake Twilio, media stream and
// keypad), the call proves possession of the number on record in the provider, ends mfa_reset, and the
// provider's own server shows the factors removed, a new factor required and the sessions revoked.

const SID = `AC${'5'.repeat(32)}`;
const TOKEN = 'idp-carrier-auth-token';
const HANDOFF = {
  secret: 'hand-off secret shared with the sign-in page, 32+ chars',
  issuer: 'https://signin.example.com/',
  audience: 'aizuchi',
};

let rig: VendorCallRig | null = null;
let twilio: FakeTwilio | null = null;
let keycloak: FakeKeycloak | null = null;
afterEach(async () => {
  await twilio?.close();
  await rig?.dispose();
  await keycloak?.close();
  rig = null;
  twilio = null;
  keycloak = null;
}, 120_000);

describe('an identity-provider-only customer, called through a carrier under the standard policy', () => {
  it('hand-off → case → Twilio call → mfa_reset, and Keycloak shows the reset', async () => {
    keycloak = await startFakeKeycloak();
    const user = keycloak.addUser({
      email: EN.email,
      firstName: 'Alex',
      lastName: 'Inomata',
      attributes: { phoneNumber: ['+819012345602'], locale: ['en'] },
      offlineClients: ['mobile-app'],
    });
    user.credentials.push({ id: 'otp-1', type: 'otp', userLabel: 'Authenticator', createdDate: 0 });
    keycloak.signIn(user.id);

    let finished!: (e: unknown) => void;
    const calleeDone = new Promise<unknown>((r) => (finished = r));
    let caseId = '';
    twilio = await startFakeTwilio({
      accountSid: SID,
      authToken: TOKEN,
      callee: () => ({
        kind: 'answer',
        answeredBy: 'human',
        talk: humanCallee(
          EN,
          () => rig!,
          () => caseId,
          finished,
        ),
      }),
    });
    rig = await vendorCallRig(await freePort(), {
      AIZUCHI_POLICY: 'standard',
      AIZUCHI_IDENTITY: 'keycloak',
      AIZUCHI_KEYCLOAK_URL: keycloak.url,
      AIZUCHI_KEYCLOAK_REALM: keycloak.realm,
      AIZUCHI_KEYCLOAK_CLIENT_ID: keycloak.clientId,
      AIZUCHI_KEYCLOAK_CLIENT_SECRET: keycloak.clientSecret,
      AIZUCHI_HANDOFF_SECRET: HANDOFF.secret,
      AIZUCHI_HANDOFF_ISSUER: HANDOFF.issuer,
      AIZUCHI_HANDOFF_AUDIENCE: HANDOFF.audience,
      AIZUCHI_TELEPHONY: 'twilio',
      AIZUCHI_TWILIO_ACCOUNT_SID: SID,
      AIZUCHI_TWILIO_AUTH_TOKEN: TOKEN,
      AIZUCHI_TWILIO_FROM: '+815012345678',
      AIZUCHI_TWILIO_API_URL: twilio.apiUrl,
    });
    expect(await rig.services.identity.findAccountByEmail(EN.email)).toBeNull();

    const iat = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ email: EN.email, amr: ['pwd'], jti: `carrier-${user.id}` })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(HANDOFF.issuer)
      .setAudience(HANDOFF.audience)
      .setSubject(user.id)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 300)
      .sign(new TextEncoder().encode(HANDOFF.secret));
    const browser = new InjectBrowser(rig.server.app, '198.51.100.7');
    const arrival = await browser.get(`/recover?lang=en&handoff=${encodeURIComponent(token)}`);
    expect(arrival.statusCode).toBe(303);
    const form = await browser.get(String(arrival.headers.location));
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const sent = await browser.post('/recover', { email: EN.email, phone: EN.phone, lang: 'en', consent: 'yes', _csrf: csrf });
    expect(sent.statusCode).toBe(202);
    const [row] = await rig.services.cases.list({ email: EN.email });
    expect(row).toMatchObject({ account_id: user.id, assurance: 'password_verified', phone_on_record: 1 });
    caseId = row!.id;

    await until('the Twilio call', () => twilio!.calls.length === 1);
    const call = twilio.calls[0]!;
    expect(call.params).toMatchObject({ To: '+819012345602', From: '+815012345678' });
    const result = await calleeDone;
    if (result !== null) {
      const hist = await rig.services.cases.history(caseId);
      console.log('case events', hist.map((e) => `${e.kind} ${e.data}`).join('\n'));
    }
    expect(result).toBeNull();
    expect(await call.ended).toBe('completed');

    const [callRow] = await rig.services.calls.callsForCase(caseId);
    expect(callRow!.call).toMatchObject({ carrier: 'twilio', outcome: 'mfa_reset', proves_phone_possession: 1 });
    const after = keycloak.users.get(user.id)!;
    expect({
      factors: after.credentials.filter((c) => c.type !== 'password').map((c) => c.type),
      newFactorRequired: after.requiredActions.includes('CONFIGURE_TOTP'),
      sessions: after.sessions.length,
      offlineTokens: after.offlineClients.length,
    }).toEqual({ factors: [], newFactorRequired: true, sessions: 0, offlineTokens: 0 });
    await until('the case to resolve', async () => (await rig!.services.cases.require(caseId)).state === 'resolved');
  }, 240_000);
});
