import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseRow } from '../../src/cases/case-service';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

const caseIdsOn = (body: string) =>
  [...body.matchAll(/href="\/console\/cases\/([0-9a-f-]{36})(?:\?lang=[a-z]{2})?"/g)].map((m) => m[1]).sort();
const ids = (rows: CaseRow[]) => rows.map((r) => r.id).sort();

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`operators' console (${db.name})`, () => {
    let t: TestServer;
    const operator = { email: `op-${db.name}@example.com`, password: 'operator password' };
    const customer = { email: `cust-${db.name}@example.com`, password: 'correct horse battery' };
    let scheduled: CaseRow;
    let escalated: CaseRow;
    let failed: CaseRow;
    let operatorUri: string;
    const clock = manualClock(new Date('2035-12-01T01:00:00Z'));
    /** Operators sign in with their authenticator; each sign-in a step later, as a replayed code is refused. */
    const signInOperator = (b: InjectBrowser) => {
      clock.set(new Date(clock.now().getTime() + 30_000));
      return b.signInWithTotp(operator.email, operator.password, operatorUri, clock.now());
    };

    beforeAll(async () => {
      t = await startTestServer({
        clock,
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' },
      });
      const { identity } = t.services;
      operatorUri = (await identity.createAccount({ ...operator, name: 'Op', phone: '03-1234-5678', role: 'operator', mfa: true }))
        .otpauthUri!;
      await identity.createAccount({ ...customer, name: 'Cust', phone: '090-1234-5678', role: 'customer' });
      const request = (email: string, phone: string) =>
        t.server.app.inject({ method: 'POST', url: '/api/v1/recovery-requests', payload: { email, phone, lang: 'ja', consent: true } });
      await request(customer.email, '090-1234-5678');
      await request(customer.email, '080-5555-0001');
      await request(`stranger-${db.name}@example.com`, '080-5555-0002');
      const all = await t.services.cases.list();
      scheduled = all.find((c) => c.state === 'scheduled')!;
      escalated = all.find((c) => c.state === 'escalated')!;
      failed = all.find((c) => c.state === 'failed')!;
      expect([scheduled, escalated, failed].every(Boolean)).toBe(true);
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('sends anonymous visitors to sign-in', async () => {
      const anon = new InjectBrowser(t.server.app);
      for (const url of ['/console', `/console/cases/${scheduled.id}`]) {
        const res = await anon.get(url);
        expect(res.statusCode, url).toBe(303);
        expect(res.headers.location).toMatch(/^\/signin\?lang=/);
      }
    });

    it('refuses a signed-in customer with 403', async () => {
      const b = new InjectBrowser(t.server.app, '192.0.2.10');
      const signedIn = await b.signIn(customer.email, customer.password);
      expect(signedIn.statusCode).toBe(303);
      expect(signedIn.headers.location).toBe('/account?lang=en');
      for (const url of ['/console', `/console/cases/${scheduled.id}`]) {
        const res = await b.get(url);
        expect(res.statusCode, url).toBe(403);
        expect(res.body).not.toContain(scheduled.id);
      }
    });

    it('lists every case for an operator, masked, and filters by state and by email', async () => {
      const b = new InjectBrowser(t.server.app, '192.0.2.11');
      const signedIn = await signInOperator(b);
      expect(signedIn.headers.location).toBe('/console?lang=en');

      const all = await b.get('/console?lang=en');
      expect(all.statusCode).toBe(200);
      expect(caseIdsOn(all.body)).toEqual(ids([scheduled, escalated, failed]));
      expect(all.body).not.toContain(customer.email);
      expect(all.body).not.toContain('+819012345678');
      expect(all.body).toContain('<html lang="en">');
      // Times read in the business time zone, which the column heads name (the call at 00:00 UTC is 09:00 JST).
      expect(all.body).toContain('Call at (JST)');
      expect(all.body).toContain('<td>2035-12-03 09:00:00</td>');
      expect(all.body).not.toContain('2035-12-03T00:00:00.000Z');
      expect(all.body).toContain('1–3 of 3 · page 1 of 1');
      // The escalated and failed rows say why.
      expect(all.body).toContain('needs_review');
      expect(all.body).toContain('no_account · closed_unknown_account');

      expect(caseIdsOn((await b.get('/console?state=escalated')).body)).toEqual([escalated.id]);
      expect(caseIdsOn((await b.get('/console?state=failed')).body)).toEqual([failed.id]);
      expect(caseIdsOn((await b.get('/console?state=resolved')).body)).toEqual([]);
      // An unknown state is ignored rather than an error.
      expect(caseIdsOn((await b.get('/console?state=nonsense')).body)).toHaveLength(3);
      // The case reference, exactly, shown in its own column.
      expect(caseIdsOn((await b.get(`/console?ref=${escalated.reference}`)).body)).toEqual([escalated.id]);
      expect(all.body).toContain(`<td data-testid="row-reference">${failed.reference}</td>`);
      // Phone: the last four digits, full-width digits folded.
      expect(caseIdsOn((await b.get('/console?phone=5678')).body)).toEqual([scheduled.id]);
      expect(caseIdsOn((await b.get(`/console?phone=${encodeURIComponent('０００２')}`)).body)).toEqual([failed.id]);
      expect(caseIdsOn((await b.get('/console?phone=&email=&state=&reason=&from=&to=')).body)).toHaveLength(3);
      // A filter with no digits in it matches nothing and says why, instead of listing every case.
      for (const bad of ['/console?phone=abc', '/console?ref=abcdef&lang=en']) {
        const body = (await b.get(bad)).body;
        expect(caseIdsOn(body), bad).toEqual([]);
        expect(body).toContain('data-testid="filter-error"');
      }
      expect((await b.get('/console?ref=abcdef&lang=en')).body).toContain('Reference and phone ending take digits only.');
      expect((await b.get('/console?phone=5678')).body).not.toContain('filter-error');
      expect(caseIdsOn((await b.get('/console?reason=needs_review')).body)).toEqual([escalated.id]);
      // Created-date range in JST: all three were opened 2035-12-01 10:00 JST.
      expect(caseIdsOn((await b.get('/console?from=2035-12-01&to=2035-12-01')).body)).toHaveLength(3);
      expect(caseIdsOn((await b.get('/console?from=2035-12-02')).body)).toEqual([]);
      // A page past the end shows the last page rather than nothing.
      const p2 = await b.get('/console?size=25&page=2&lang=en');
      expect(p2.body).toContain('page 1 of 1');
      const bad = await b.get('/console?from=yesterday');
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('from');
      expect((await b.get('/console?size=7')).statusCode).toBe(400);
      // Auto-refresh is opt-in: a meta refresh only when asked.
      expect(all.body).not.toContain('http-equiv="refresh"');
      expect((await b.get('/console?refresh=1')).body).toContain('<meta http-equiv="refresh" content="30">');
      // Email filter: a whole part of the address (its local part here), case-insensitive; never a substring.
      expect(caseIdsOn((await b.get(`/console?email=${customer.email.split('@')[0]!.toUpperCase()}`)).body)).toEqual(
        ids([scheduled, escalated]),
      );
      expect(caseIdsOn((await b.get('/console?email=CUST-')).body)).toEqual([]);
      expect(caseIdsOn((await b.get(`/console?email=${encodeURIComponent(customer.email.toUpperCase())}`)).body)).toEqual(
        ids([scheduled, escalated]),
      );
      expect(caseIdsOn((await b.get(`/console?email=${encodeURIComponent(customer.email)}&state=scheduled`)).body)).toEqual([scheduled.id]);
    });

    it("speaks the operator's stored language, else the browser's; ?lang= switches for one page", async () => {
      const b = new InjectBrowser(t.server.app, '192.0.2.13');
      await signInOperator(b);
      const ja = await b.get('/console');
      expect(ja.body).toContain('<html lang="ja">');
      expect(ja.body).toContain('<h1>ケース一覧</h1>');
      expect(ja.body).toContain('発信予定 (JST)');
      expect(ja.body).toContain('data-testid="lang-switch" href="/console?lang=en"');
      // Stored: the next visit without ?lang= is in English.
      const saved = await b.submit('/console?lang=en', '/console/preferences', { lang: 'en' });
      expect(saved.statusCode).toBe(303);
      expect(saved.headers.location).toBe('/console?lang=en&saved=1');
      const en = await b.get('/console');
      expect(en.body).toContain('<html lang="en">');
      expect(en.body).toContain('<h1>Cases</h1>');
      expect((await b.get(`/console/cases/${failed.id}`)).body).toContain('<html lang="en">');
      // One negotiation for the whole console: the other console pages follow the stored choice too.
      for (const path of ['/console/escalations', '/console/settings', '/console/charts', '/console/live'])
        expect([path, (await b.get(path)).body]).toEqual([path, expect.stringContaining('<html lang="en">')]);
      expect((await b.get('/console?lang=ja')).body).toContain('<html lang="ja">');
      // A forged form changes nothing; an unknown language is refused.
      expect((await b.post('/console/preferences', { lang: 'ja', _csrf: 'a'.repeat(64) })).statusCode).toBe(403);
      expect((await b.submit('/console?lang=en', '/console/preferences', { lang: 'fr' })).statusCode).toBe(400);
      // A page's input that fails its route schema gets a page in the visitor's language naming the field, not JSON.
      const badPage = await b.get('/console?page=0&lang=en');
      expect(badPage.statusCode).toBe(400);
      expect(badPage.headers['content-type']).toMatch(/^text\/html/);
      expect(badPage.body).toContain('<html lang="en">');
      expect(badPage.body).toContain('<code data-testid="bad-field">page</code>');
      expect((await b.get('/console?size=7&lang=ja')).body).toContain('入力内容を読み取れませんでした');
      expect((await b.get('/console')).body).toContain('<html lang="en">');
    });

    it("shows a case's state, callback time and hash-chained timeline; 404 for an unknown id", async () => {
      const b = new InjectBrowser(t.server.app, '192.0.2.12');
      await signInOperator(b);
      const page = await b.get(`/console/cases/${scheduled.id}?lang=en`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<code data-testid="case-state">scheduled</code>');
      // In the business time zone, named.
      expect(page.body).toContain('<td data-testid="scheduled-at">2035-12-03 09:00:00 JST</td>');
      // The timeline: the event in words, its kind, when (JST), who; the chain behind a toggle.
      expect(page.body).toContain('<span data-testid="event-words">Callback scheduled</span>');
      expect(page.body).toContain('<code class="muted">callback_scheduled</code>');
      expect(page.body).toContain('<th>Time (JST)</th>');
      expect(page.body).toContain('<td>2035-12-01 10:00:00</td>');
      const events = await t.services.cases.history(scheduled.id);
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) expect(page.body).toContain(`→ ${e.hash}</code></details>`);
      expect(page.body).toMatch(/<details data-testid="chain"><summary>Hash chain #\d+<\/summary>/);
      const esc = await b.get(`/console/cases/${escalated.id}?lang=en`);
      expect(esc.body).toContain('(NOT on record)');
      expect(esc.body).toContain('Waiting for a person to review');
      expect(esc.body).toContain('needs_review');
      // Japanese: the same page in words operators read.
      const ja = await b.get(`/console/cases/${escalated.id}?lang=ja`);
      expect(ja.body).toContain('<html lang="ja">');
      expect(ja.body).toContain('<span data-testid="event-words">担当者の確認待ち</span>');
      expect(ja.body).toContain('<th>日時 (JST)</th>');
      expect(ja.body).toContain('（未登録）');
      expect((await b.get('/console/cases/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    });
  });
}
