import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleOperator, addOperator } from '../e2e/support/console-people';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';
import { totpFor } from '../e2e/support/totp';

// Monday 10:00 JST.
const MON_1000_JST = new Date('2035-12-03T01:00:00Z');
const FORM = {
  mon: '09:00-17:00',
  tue: '09:00-18:00',
  wed: '09:00-18:00',
  thu: '09:00-18:00',
  fri: '09:00-18:00',
  sat: '',
  sun: '',
  closedDates: '',
  japaneseHolidays: 'on',
  policy: 'standard',
};

/**
 * Editing business hours and policy is a sensitive action (issue 10): an admin whose password +
 * TOTP is more than 5 min old is sent to /signin/reauth with nothing saved, and saves once they
 * have confirmed both again.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`settings need a fresh sign-in (${db.name})`, () => {
    const clock = manualClock(MON_1000_JST);
    let t: TestServer;
    let admin: ConsoleOperator;

    beforeAll(async () => {
      t = await startTestServer({ clock, postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined });
      // No role: a new local operator is an `operator` until the test below makes it an admin.
      admin = await addOperator(t, { email: `admin-${db.name}@example.com`, name: 'Admin' });
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('a stale sign-in saves nothing and goes to re-auth; after password and code the same form saves', async () => {
      const b = new InjectBrowser(t.server.app, '192.0.2.20');
      expect((await b.signInWithTotp(admin.email, admin.password, admin.uri, clock.now())).statusCode).toBe(303);
      // A new local operator is an `operator`: the settings are read only and a save is refused.
      const readOnly = await b.get('/console/settings?lang=en');
      expect(readOnly.body).not.toContain('data-testid="settings-save"');
      expect((await b.submit('/console/settings?lang=en', '/console/settings?lang=en', FORM)).statusCode).toBe(403);
      await t.services.operatorRoles.setRole(admin.id, 'admin', 'test');
      const fresh = await b.get('/console/settings?lang=en');
      expect(fresh.body).toContain('data-testid="settings-save"');

      clock.set(new Date(MON_1000_JST.getTime() + 6 * 60_000));
      const version = t.services.settings.current().version;
      const stale = await b.submit('/console/settings?lang=en', '/console/settings?lang=en', FORM);
      expect(stale.statusCode).toBe(303);
      const reauth = new URL(String(stale.headers.location), 'http://x');
      expect(reauth.pathname).toBe('/signin/reauth');
      expect(reauth.searchParams.get('again')).toBe('1');
      expect(t.services.settings.current().version).toBe(version);

      const at = `${reauth.pathname}${reauth.search}`;
      const page = await b.get(at);
      expect(page.statusCode).toBe(200);
      const back = await b.submit(at, at, { password: admin.password, code: totpFor(admin.uri, clock.now()) });
      expect(back.statusCode).toBe(303);
      expect(back.headers.location).toMatch(/^\/console/);

      const saved = await b.submit('/console/settings?lang=en', '/console/settings?lang=en', FORM);
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe('/console/settings?lang=en&saved=1');
      expect(t.services.settings.current().version).toBe(version + 1);
      expect(t.services.settings.current().settings.weeklyHours).toContain('09:00-17:00');
    });
  });
}
