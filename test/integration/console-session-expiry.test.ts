import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

// Console sessions end after 30 minutes idle (the default) and AIZUCHI_CONSOLE_SESSION_MAX_HOURS after
// sign-in (12 by default, NIST SP 800-63B-4 AAL2; 2 here, so the session store's own 12 h TTL is not what ends it).
const START = new Date('2035-12-03T01:00:00Z');
const MIN = 60_000;

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`console session expiry (${db.name})`, () => {
    const clock = manualClock(START);
    let t: TestServer;
    let operatorId: string;

    beforeAll(async () => {
      t = await startTestServer({
        clock,
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: { AIZUCHI_CONSOLE_SESSION_MAX_HOURS: '2' },
      });
      const created = await t.services.identity.createAccount({
        email: `expiry-op-${db.name}@example.com`,
        password: 'operator password',
        name: 'Op',
        phone: '03-1234-5678',
        role: 'operator',
        mfa: true,
      });
      operatorId = created.account.id;
    });
    afterAll(async () => {
      await t?.stop();
    });

    async function signedIn(at: Date): Promise<InjectBrowser> {
      clock.set(at);
      const op = new InjectBrowser(t.server.app, '192.0.2.1');
      op.useSession((await t.services.identity.sessions.create(operatorId, 'full', clock.now())).token);
      return op;
    }
    const opensConsole = async (op: InjectBrowser) => (await op.get('/console?lang=en')).statusCode === 200;

    it('ends a session after 30 minutes without a request, and keeps one that is used', async () => {
      const idle = await signedIn(START);
      const used = await signedIn(START);
      clock.set(new Date(START.getTime() + 20 * MIN));
      expect(await opensConsole(used)).toBe(true);
      clock.set(new Date(START.getTime() + 31 * MIN));
      expect(await opensConsole(used)).toBe(true);
      const res = await idle.get('/console?lang=en');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/signin?lang=en');
      // Ended, not merely refused: going back in time does not revive it.
      clock.set(START);
      expect(await opensConsole(idle)).toBe(false);
    });

    it('ends a session the configured hours after sign-in however busy it is', async () => {
      const from = new Date(START.getTime() + 24 * 60 * MIN);
      const op = await signedIn(from);
      for (let m = 25; m <= 2 * 60; m += 25) {
        clock.set(new Date(from.getTime() + m * MIN));
        expect(await opensConsole(op)).toBe(true);
      }
      clock.set(new Date(from.getTime() + 2 * 60 * MIN + 5 * MIN));
      const res = await op.get('/console?lang=en');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/signin?lang=en');
    });
  });
}
