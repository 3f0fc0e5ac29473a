import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { ConsolePeople, OPERATOR_PASSWORD, openRecoveryCase } from '../e2e/support/console-people';
import { type TestServer, startTestServer } from '../e2e/support/test-server';
import { totpFor } from '../e2e/support/totp';

const START = new Date('2035-12-03T01:00:00Z'); // Monday 10:00 JST

/**
 * Revealing a case's full phone number or email (issue 10) is a sensitive action: masked on the case
 * page, a "Show" button for operators and admins behind a fresh re-authentication, the answer not
 * cached, and a `contact_revealed` event (operator id, field; never the value) in the case's chain.
 * A viewer has no button and a forged post is 403.
 */
for (const db of DATABASES) {
  describe.runIf(db.enabled)(`revealing a case's contact details (${db.name})`, () => {
    const clock = manualClock(START);
    let t: TestServer;
    let caseId: string;
    let people: ConsolePeople;
    const customer = { email: `reveal-${db.name}@example.com`, phone: '090-1111-2222' };

    beforeAll(async () => {
      t = await startTestServer({ clock, postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined });
      people = await new ConsolePeople(t, clock, { tag: db.name, firstAddress: 40 }).add([
        ['otto', 'operator'],
        ['vera', 'viewer'],
      ]);
      ({ caseId } = await openRecoveryCase(t, { ...customer, name: 'Pat', lang: 'en' }, { remoteAddress: '198.51.100.7', lang: 'en' }));
    });
    afterAll(async () => {
      await t?.stop();
    });

    const signIn = (who: string) => people.signIn(who);
    const casePath = () => `/console/cases/${caseId}?lang=en`;
    const revealPath = () => `/console/cases/${caseId}/reveal?lang=en`;
    const reveals = async () => (await t.services.cases.history(caseId)).filter((e) => e.kind === 'contact_revealed').map((e) => e.data);

    it('asks a stale sign-in to re-authenticate, then shows the number once and records who saw which field', async () => {
      const otto = await signIn('otto');
      const page = await otto.get(casePath());
      expect(page.body).toContain('data-testid="reveal-phone"');
      expect(page.body).toContain('data-testid="reveal-email"');
      expect(page.body).not.toContain('1111-2222');
      expect(page.body).not.toContain(customer.email);

      clock.set(new Date(clock.now().getTime() + 6 * 60_000));
      const stale = await otto.submit(casePath(), revealPath(), { field: 'phone' });
      expect(stale.statusCode).toBe(303);
      const reauth = new URL(String(stale.headers.location), 'http://x');
      expect(reauth.pathname).toBe('/signin/reauth');
      expect(reauth.searchParams.get('again')).toBe('1');
      expect(stale.body).not.toMatch(/1111-?2222/);
      expect(await reveals()).toEqual([]);

      const at = `${reauth.pathname}${reauth.search}`;
      const back = await otto.submit(at, at, { password: OPERATOR_PASSWORD, code: totpFor(people.get('otto').uri, clock.now()) });
      // Back to the page the form was on (its Referer; this client sends none, so the console).
      expect([back.statusCode, back.headers.location]).toEqual([303, '/console']);

      const phone = await otto.submit(casePath(), revealPath(), { field: 'phone' });
      expect(phone.statusCode).toBe(200);
      expect(phone.headers['cache-control']).toBe('no-store');
      expect(phone.body).toContain('+819011112222');
      expect(phone.body).toContain('090-1111-2222');
      expect(phone.body).not.toContain(customer.email);
      const email = await otto.submit(casePath(), revealPath(), { field: 'email' });
      expect(email.statusCode).toBe(200);
      expect(email.body).toContain(customer.email);
      expect(email.body).not.toContain('+819011112222');

      const events = await reveals();
      expect(events.map((d) => JSON.parse(d))).toEqual([
        { operatorId: people.get('otto').id, field: 'phone' },
        { operatorId: people.get('otto').id, field: 'email' },
      ]);
      // Whole and in groups: the events hold random hex ids, where four 1s in a row can occur by chance.
      expect(events.join()).not.toMatch(/1111-?2222|reveal-/);
      // The timeline names the event in words.
      expect((await otto.get(casePath())).body).toContain('Contact details shown in full');
    });

    it('gives a viewer no button and refuses a forged post; a forged form is refused for anyone', async () => {
      const before = (await reveals()).length;
      const vera = await signIn('vera');
      const page = await vera.get(casePath());
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('data-testid="reveal-phone"');
      // The case list's sign-out form gives this browser a valid CSRF token: the refusal is the role's.
      const forged = await vera.submit('/console?lang=en', revealPath(), { field: 'phone' });
      expect(forged.statusCode).toBe(403);
      expect(forged.body).toContain('This needs the operator role (or admin); your account does not have it. Nothing was shown.');
      expect(forged.body).not.toMatch(/1111-?2222/);

      const otto = await signIn('otto');
      const noToken = await otto.post(revealPath(), { field: 'phone', _csrf: 'forged' });
      expect(noToken.statusCode).toBe(403);
      const badField = await otto.submit(casePath(), revealPath(), { field: 'address' });
      expect(badField.statusCode).toBe(400);
      expect((await reveals()).length).toBe(before);
    });
  });
}
