import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

// Issue 7, finding 5: "anyone can lock the owner out". Each test replays one attack from the issue
// against the real composition root and expects the owner to be served anyway.

// Saturday 2035-12-01 10:00 JST; a date years ahead keeps the suite valid as real time passes.
const SATURDAY_10_JST = new Date('2035-12-01T01:00:00Z');
const PASSWORD = 'correct horse battery';
const GLOBAL_PER_HOUR = 500;

describe('limits that cannot lock the owner out (red team, finding 5)', () => {
  const clock = manualClock(SATURDAY_10_JST);
  let t: TestServer;
  let seq = 0;
  // A fresh address per actor, so only the limit under test can trip.
  const nextIp = () => `203.0.113.${++seq}`;

  beforeAll(async () => {
    t = await startTestServer({
      clock,
      env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0', AIZUCHI_LIMIT_REQUESTS_GLOBAL_PER_HOUR: String(GLOBAL_PER_HOUR) },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const post = (payload: Record<string, unknown>, ip: string): Promise<LightMyRequestResponse> =>
    t.server.app.inject({
      method: 'POST',
      url: '/api/v1/recovery-requests',
      remoteAddress: ip,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ lang: 'ja', consent: true, ...payload }),
    });

  async function owner(tag: string, phone: string) {
    const email = `${tag}@example.com`;
    await t.services.identity.createAccount({ email, password: PASSWORD, name: '猪股 太郎', phone, lang: 'ja', mfa: true });
    return email;
  }

  const statesOf = async (email: string) => (await t.services.cases.list({ email })).map((c) => c.state);

  it('3 requests with a wrong phone, then the owner with the right password and phone is accepted and scheduled', async () => {
    clock.set(SATURDAY_10_JST);
    const email = await owner('wrong-phone', '090-7000-0001');
    for (let i = 0; i < 3; i++) expect((await post({ email, phone: `080-6666-000${i}` }, nextIp())).statusCode).toBe(202);
    // A guesser is now held back …
    expect((await post({ email, phone: '080-6666-0009' }, nextIp())).statusCode).toBe(429);
    expect((await post({ email, phone: '090-7000-0001', password: 'wrong guess' }, nextIp())).statusCode).toBe(429);
    // … the owner is not.
    const own = await post({ email, phone: '090-7000-0001', password: PASSWORD }, nextIp());
    expect(own.statusCode).toBe(202);
    expect(await statesOf(email)).toContain('scheduled');
  });

  it('the owner phone written three ways counts as one number, and the owner still gets through', async () => {
    clock.set(SATURDAY_10_JST);
    const email = await owner('three-ways', '090-7000-0002');
    const spellings = ['090-7000-0002', '+81 90 7000 0002', '+81-90-7000-0002'];
    for (const [i, phone] of spellings.entries()) {
      expect((await post({ email: `stranger${i}-three-ways@example.com`, phone }, nextIp())).statusCode).toBe(202);
    }
    expect((await post({ email: 'stranger9-three-ways@example.com', phone: '09070000002' }, nextIp())).statusCode).toBe(429);
    expect((await post({ email, phone: '(090) 7000-0002', password: PASSWORD }, nextIp())).statusCode).toBe(202);
    expect(await statesOf(email)).toEqual(['scheduled']);
    // The number's owner is told that their number is being hammered.
    await t.services.jobs.worker.runDue();
    const res = await t.server.app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${encodeURIComponent(email)}` });
    expect((res.json() as Array<{ subject: string }>).map((m) => m.subject).filter((s) => s.includes('繰り返し'))).toHaveLength(1);
  });

  it('5 addresses x wrong password do not lock the owner sign-in from their own address', async () => {
    const email = await owner('signin', '090-7000-0003');
    for (let i = 0; i < 5; i++) {
      const res = await new InjectBrowser(t.server.app, nextIp()).signIn(email, 'wrong password');
      expect(res.statusCode).toBe(401);
    }
    const ownAddress = nextIp();
    const res = await new InjectBrowser(t.server.app, ownAddress).signIn(email, PASSWORD);
    expect(res.statusCode).toBeGreaterThanOrEqual(300);
    expect(res.statusCode).toBeLessThan(400);
    // The address that guessed five times for this account is still stopped.
    const guesser = new InjectBrowser(t.server.app, '203.0.113.250');
    for (let i = 0; i < 5; i++) await guesser.signIn(email, 'wrong password');
    expect((await guesser.signIn(email, PASSWORD)).statusCode).toBe(429);
  });

  // Red team round 2: the authenticator-code limit was keyed on the account alone, so anyone holding the
  // password (the case MFA exists for) could lock its owner out of signing in from 5 addresses.
  it('5 addresses with the password x wrong codes do not lock the owner out on a browser they signed in on before', async () => {
    const email = 'totp-lockout@example.com';
    const { otpauthUri } = await t.services.identity.createAccount({
      email,
      password: PASSWORD,
      name: '猪股 太郎',
      phone: '090-7000-0009',
      lang: 'ja',
      mfa: true,
    });
    const ownBrowser = new InjectBrowser(t.server.app, nextIp());
    expect((await ownBrowser.signInWithTotp(email, PASSWORD, otpauthUri!, clock.now())).headers.location).toMatch(/^\/account/);
    for (let i = 0; i < 5; i++) {
      const attacker = new InjectBrowser(t.server.app, nextIp());
      expect((await attacker.signIn(email, PASSWORD)).statusCode).toBe(303);
      expect((await attacker.submit('/signin/mfa?lang=en', '/signin/mfa?lang=en', { code: '000000' })).statusCode).toBe(401);
    }
    // A new browser still meets the account-wide limit: that is what stops distributed code guessing.
    const stranger = new InjectBrowser(t.server.app, nextIp());
    expect((await stranger.signInWithTotp(email, PASSWORD, otpauthUri!, clock.now())).statusCode).toBe(429);
    expect((await ownBrowser.submit('/account?lang=en', '/signout', {})).statusCode).toBe(303);
    clock.advance(30_000); // the next code: the one above was spent
    const res = await ownBrowser.signInWithTotp(email, PASSWORD, otpauthUri!, clock.now());
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toMatch(/^\/account/);
  });

  it('every limit answers with the same 429 body and Retry-After', async () => {
    clock.set(SATURDAY_10_JST);
    const email = await owner('same-429', '090-7000-0004');
    const byAccount = await (async () => {
      for (let i = 0; i < 3; i++) await post({ email, phone: `080-6667-000${i}` }, nextIp());
      return post({ email, phone: '080-6667-0009' }, nextIp());
    })();
    const byPhone = await (async () => {
      for (let i = 0; i < 3; i++) await post({ email: `p${i}-same-429@example.com`, phone: '080-6668-0001' }, nextIp());
      return post({ email: 'p9-same-429@example.com', phone: '080-6668-0001' }, nextIp());
    })();
    const byAddress = await (async () => {
      const ip = nextIp();
      for (let i = 0; i < 10; i++) await post({ email: `a${i}-same-429@example.com`, phone: `080-6669-00${10 + i}` }, ip);
      return post({ email: 'a99-same-429@example.com', phone: '080-6669-0099' }, ip);
    })();
    for (const r of [byAccount, byPhone, byAddress]) {
      expect(r.statusCode).toBe(429);
      expect(r.body).toBe(byAccount.body);
      expect(r.headers['retry-after']).toBe(byAccount.headers['retry-after']);
    }
  });

  it('mails the owner (once) when their account is being hammered', async () => {
    clock.set(SATURDAY_10_JST);
    const email = await owner('hammered', '090-7000-0005');
    for (let i = 0; i < 8; i++) await post({ email, phone: `080-6670-000${i}` }, nextIp());
    await t.services.jobs.worker.runDue();
    const res = await t.server.app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${encodeURIComponent(email)}` });
    const subjects = (res.json() as Array<{ subject: string }>).map((m) => m.subject);
    expect(subjects.filter((s) => s.includes('繰り返し'))).toHaveLength(1);
  });

  it(`${GLOBAL_PER_HOUR + 99} requests from 60 addresses trip the global breaker, yet the owner with the password is served`, async () => {
    clock.set(new Date(SATURDAY_10_JST.getTime() + 2 * 3_600_000));
    const email = await owner('global', '090-7000-0006');
    let refused = 0;
    for (let i = 0; i < GLOBAL_PER_HOUR + 99; i++) {
      const res = await post({ email: `flood${i}@example.com`, phone: `080-7${String(i).padStart(3, '0')}-0000` }, `198.18.0.${i % 60}`);
      if (res.statusCode === 429) refused++;
    }
    expect(refused).toBeGreaterThan(0);
    // Without a password: refused like any other limit.
    const stranger = await post({ email, phone: '090-7000-0006' }, nextIp());
    expect(stranger.statusCode).toBe(429);
    const own = await post({ email, phone: '090-7000-0006', password: PASSWORD }, nextIp());
    expect(own.statusCode).toBe(202);
    expect(await statesOf(email)).toEqual(['scheduled']);
  });

  it('counts the browser too: the form sets a device cookie, and a new address with the same browser is the same requester', async () => {
    clock.set(new Date(SATURDAY_10_JST.getTime() + 4 * 3_600_000));
    const page = await t.server.app.inject({ method: 'GET', url: '/recover?lang=en', remoteAddress: nextIp() });
    const cookies = page.cookies as Array<{ name: string; value: string }>;
    expect(cookies.map((c) => c.name)).toContain('aizuchi_device');
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    // The same browser (cookie jar) behind a new address each time.
    const form = (i: number) =>
      t.server.app.inject({
        method: 'POST',
        url: '/recover?lang=en',
        remoteAddress: nextIp(),
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          email: `device${i}@example.com`,
          phone: `080-7300-${1000 + i}`,
          lang: 'en',
          consent: 'yes',
          _csrf: csrf,
        }).toString(),
      });
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) answers.push((await form(i)).statusCode);
    expect(answers).toEqual(Array(10).fill(202));
    const refused = await form(10);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('3600');
  });
});
