import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log';
import { SYSTEM_CASE_ID } from '../../src/audit/system-events';
import { CONSOLE_SESSION_REVOKED_EVENT } from '../../src/settings';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { ConsolePeople } from '../e2e/support/console-people';
import type { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

const START = new Date('2035-12-03T01:00:00Z'); // Monday 10:00 JST
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/**
 * /console/sessions (issue 10, "sessions are listed and revocable"): each operator lists their own
 * sessions and ends one or all the others; an admin lists and ends anyone's; a viewer's forged
 * revoke of someone else's session changes nothing. A revoked session's next request goes to
 * sign-in, and each revocation is a `console_session_revoked` event in the audit chain.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`console sessions (${db.name})`, () => {
    const clock = manualClock(START);
    let t: TestServer;
    let people: ConsolePeople;

    beforeAll(async () => {
      t = await startTestServer({ clock, postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined });
      people = await new ConsolePeople(t, clock, { tag: db.name, firstAddress: 10 }).add([
        ['ann', 'operator'],
        ['vic', 'viewer'],
        ['ada', 'admin'],
      ]);
    });
    afterAll(async () => {
      await t?.stop();
    });

    /** A new browser signed in with password + TOTP (Firefox unless told), one 30 s step after the last. */
    const signIn = (who: string, userAgent = FIREFOX) => people.signIn(who, userAgent);
    const opensConsole = async (b: InjectBrowser) => (await b.get('/console?lang=en')).statusCode === 200;
    const rowIds = (body: string, table: string) => {
      const part = new RegExp(`data-testid="${table}"[\\s\\S]*?</table>`).exec(body)?.[0] ?? '';
      return [...part.matchAll(/data-session="([^"]+)"/g)].map((m) => m[1]!);
    };
    const revokedEvents = async () =>
      (await t.services.store.db.selectFrom('case_events').selectAll().where('case_id', '=', SYSTEM_CASE_ID).execute())
        .filter((e) => e.kind === CONSOLE_SESSION_REVOKED_EVENT)
        .map((e) => JSON.parse(e.data) as Record<string, string>);

    it('lists my sessions with browser, method and JST times, and ends the other one', async () => {
      const here = await signIn('ann', FIREFOX);
      const there = await signIn('ann', CHROME);
      const page = await here.get('/console/sessions?lang=en');
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      const mine = rowIds(page.body, 'my-sessions');
      expect(mine).toHaveLength(2);
      expect(page.body).toContain('Firefox on Linux');
      expect(page.body).toContain('Chrome on Windows');
      expect(page.body).toContain('Password + authenticator code');
      expect(page.body).toContain('Signed in (JST)');
      expect(page.body).toMatch(/2035-12-03 10:0\d:\d\d/);
      expect(page.body).toContain('data-testid="this-session"');
      // An operator sees no one else's sessions.
      expect(page.body).not.toContain('data-testid="all-sessions"');
      const ja = await here.get('/console/sessions?lang=ja');
      expect(ja.body).toContain('サインイン中のセッション');
      expect(ja.body).toContain('Chrome（Windows）');

      // The Chrome session is the one without "This browser": the newest, listed first.
      const other = mine[0]!;
      const before = (await revokedEvents()).length;
      const revoked = await here.submit('/console/sessions?lang=en', '/console/sessions/revoke?lang=en', { session: other });
      expect(revoked.statusCode).toBe(303);
      expect(revoked.headers.location).toBe('/console/sessions?lang=en&done=one');
      const gone = await there.get('/console?lang=en');
      expect([gone.statusCode, gone.headers.location]).toEqual([303, '/signin?lang=en']);
      expect(await opensConsole(here)).toBe(true);
      // Read from the database, as every process reads it.
      const row = await t.services.store.db.selectFrom('sessions').select('revoked_at').where('public_id', '=', other).executeTakeFirst();
      expect(row?.revoked_at).not.toBeNull();
      const events = await revokedEvents();
      expect(events.length).toBe(before + 1);
      expect(events.at(-1)).toEqual({
        actorId: people.get('ann').id,
        operatorId: people.get('ann').id,
        sessionId: other,
        method: 'local',
      });
      expect((await verifyAuditLog(t.services.store)).ok).toBe(true);
    });

    it('signs out everywhere else, keeping this browser', async () => {
      const here = await signIn('ann');
      const two = await signIn('ann', CHROME);
      const three = await signIn('ann', CHROME);
      const before = (await revokedEvents()).length;
      const res = await here.submit('/console/sessions?lang=en', '/console/sessions/revoke-others?lang=en', {});
      expect(res.statusCode).toBe(303);
      // Two here, plus any left from the test before.
      expect(Number(new URL(String(res.headers.location), 'http://x').searchParams.get('n'))).toBeGreaterThanOrEqual(2);
      expect(await opensConsole(two)).toBe(false);
      expect(await opensConsole(three)).toBe(false);
      expect(await opensConsole(here)).toBe(true);
      expect(rowIds((await here.get('/console/sessions?lang=en')).body, 'my-sessions')).toHaveLength(1);
      expect((await revokedEvents()).length).toBeGreaterThanOrEqual(before + 2);
    });

    it("a viewer lists only their own and cannot end someone else's; an admin sees and ends anyone's", async () => {
      const ann = await signIn('ann');
      const vic = await signIn('vic');
      const annSession = rowIds((await ann.get('/console/sessions?lang=en')).body, 'my-sessions');
      const vicPage = await vic.get('/console/sessions?lang=en');
      expect(vicPage.statusCode).toBe(200);
      expect(vicPage.body).not.toContain('data-testid="all-sessions"');
      expect(rowIds(vicPage.body, 'my-sessions')).toHaveLength(1);
      for (const id of annSession) {
        const forged = await vic.submit('/console/sessions?lang=en', '/console/sessions/revoke?lang=en', { session: id });
        expect(forged.statusCode).toBe(403);
        expect(forged.body).toContain('Only an admin');
      }
      expect(await opensConsole(ann)).toBe(true);

      // A customer's session is no console session: never listed.
      const customer = await t.services.identity.createAccount({
        email: `cust-${db.name}@example.com`,
        password: 'correct horse battery',
        name: 'C',
        phone: '090-1111-2222',
      });
      await t.services.identity.sessions.create(customer.account.id, 'full', clock.now());
      const ada = await signIn('ada');
      const adminPage = await ada.get('/console/sessions?lang=en');
      const all = rowIds(adminPage.body, 'all-sessions');
      const vicId = rowIds(vicPage.body, 'my-sessions')[0]!;
      expect(all).toEqual(expect.arrayContaining([...annSession, vicId]));
      expect(adminPage.body).not.toContain(`cust-${db.name}`);
      expect(adminPage.body).toContain('v***@example.com');
      const byAdmin = await ada.submit('/console/sessions?lang=en', '/console/sessions/revoke?lang=en', { session: vicId });
      expect(byAdmin.statusCode).toBe(303);
      expect(await opensConsole(vic)).toBe(false);
      expect((await revokedEvents()).at(-1)).toEqual({
        actorId: people.get('ada').id,
        operatorId: people.get('vic').id,
        sessionId: vicId,
        method: 'local',
      });
      // Again: it has ended already.
      const again = await ada.submit('/console/sessions?lang=en', '/console/sessions/revoke?lang=en', { session: vicId });
      expect(again.statusCode).toBe(404);
    });

    it('a stale form ends nothing', async () => {
      const here = await signIn('ann');
      const there = await signIn('ann', CHROME);
      const [other] = rowIds((await here.get('/console/sessions?lang=en')).body, 'my-sessions');
      const res = await here.post('/console/sessions/revoke?lang=en', { session: other!, _csrf: 'forged' });
      expect(res.statusCode).toBe(403);
      expect(await opensConsole(there)).toBe(true);
      const bad = await here.post('/console/sessions/revoke?lang=en', { _csrf: 'forged' });
      expect(bad.statusCode).toBe(400);
    });
  });
}
