import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../src/audit/audit-log';
import { CALLBACK_JOB, callbackDedupeKey } from '../../src/cases/callback-job';
import { RecordingDialer } from '../../src/channels/testing/recording-dialer';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

// Tokyo business hours are Mon–Fri 09:00–18:00: Saturday is closed, Monday 10:00 JST is open.
const SAT_1000_JST = new Date('2035-12-01T01:00:00Z');
const MON_0900_JST = new Date('2035-12-03T00:00:00Z');
const MON_1000_JST = new Date('2035-12-03T01:00:00Z');

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`operator actions in the console (${db.name})`, () => {
    const clock = manualClock(SAT_1000_JST);
    let t: TestServer;
    let operatorId: string;
    let op: InjectBrowser;
    const dialer = new RecordingDialer();
    const operator = { email: `op-${db.name}@example.com`, password: 'operator password' };
    let customerCount = 0;

    /** A customer account and a recovery request through the API: on-record phone → scheduled, another → escalated for review. */
    async function newCase(kind: 'scheduled' | 'review'): Promise<string> {
      clock.set(SAT_1000_JST);
      const n = ++customerCount;
      const email = `cust${n}-${db.name}@example.com`;
      const phone = `090-1234-${String(5000 + n)}`;
      await t.services.identity.createAccount({ email, password: 'correct horse battery', name: `Cust ${n}`, phone, role: 'customer' });
      const res = await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        remoteAddress: `192.0.2.${100 + n}`,
        payload: { email, phone: kind === 'scheduled' ? phone : `080-5555-${String(1000 + n)}`, lang: 'ja', consent: true },
      });
      expect(res.statusCode).toBe(202);
      const row = (await t.services.cases.list({ email }))[0]!;
      expect(row.state).toBe(kind === 'scheduled' ? 'scheduled' : 'escalated');
      return row.id;
    }

    /**
     * Moves the clock; a jump of days outlives the operator's session, so a fresh one is given (the
     * clock goes back and forth, which a TOTP sign-in would refuse as a replay; sign-in is tested once below).
     */
    async function setClock(at: Date): Promise<void> {
      clock.set(at);
      op = new InjectBrowser(t.server.app, '192.0.2.1');
      op.useSession((await t.services.identity.sessions.create(operatorId, 'full', clock.now())).token);
      expect((await op.get('/console')).statusCode).toBe(200);
    }
    const state = async (id: string) => (await t.services.cases.require(id)).state;
    const events = async (id: string) =>
      (await t.services.cases.history(id)).map((e) => ({ kind: e.kind, data: JSON.parse(e.data) as Record<string, unknown> }));
    /** Posts the case page's form; `lang` as the page's forms carry it (a refusal is said in it). */
    const act = (id: string, action: string, fields: Record<string, string> = {}, lang: 'ja' | 'en' = 'en') =>
      op.submit(`/console/cases/${id}?lang=${lang}`, `/console/cases/${id}/${action}?lang=${lang}`, fields);
    const callbackJob = (id: string, at: Date) =>
      t.services.store.db
        .selectFrom('jobs')
        .selectAll()
        .where('kind', '=', CALLBACK_JOB)
        .where('dedupe_key', '=', callbackDedupeKey(id, at))
        .executeTakeFirst();

    beforeAll(async () => {
      t = await startTestServer({
        clock,
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0' },
        dialer,
      });
      const created = await t.services.identity.createAccount({
        ...operator,
        name: 'Op',
        phone: '03-1234-5678',
        role: 'operator',
        mfa: true,
      });
      operatorId = created.account.id;
      op = new InjectBrowser(t.server.app, '192.0.2.1');
      expect((await op.signInWithTotp(operator.email, operator.password, created.otpauthUri!, clock.now())).headers.location).toBe(
        '/console?lang=en',
      );
    });
    afterAll(async () => {
      await t?.stop();
    });

    it('approves a case waiting for review: scheduled at the next opening after the lead, callback queued, approver recorded by account id', async () => {
      const id = await newCase('review');
      const page = await op.get(`/console/cases/${id}`);
      expect(page.body).toContain(`action="/console/cases/${id}/approve?lang=ja"`);
      expect(page.body).not.toContain(`action="/console/cases/${id}/call-now`);

      const res = await act(id, 'approve');
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/console/cases/${id}?lang=en`);
      expect(await t.services.cases.require(id)).toMatchObject({ state: 'scheduled', scheduled_at: MON_0900_JST.toISOString() });
      expect(await callbackJob(id, MON_0900_JST)).toMatchObject({ state: 'queued', run_at: MON_0900_JST.toISOString() });
      const approved = (await events(id)).find((e) => e.kind === 'operator_approved');
      expect(approved?.data).toMatchObject({ from: 'escalated', to: 'scheduled', operatorId, review: 'phone_not_on_record' });
      expect(JSON.stringify(await events(id))).not.toContain(operator.email);
      expect(dialer.of(id)).toEqual([]);

      // When the slot comes, the queued job rings the customer the ordinary way.
      await setClock(MON_0900_JST);
      await t.services.jobs.worker.runDue();
      expect(dialer.of(id)).toEqual([{ caseId: id, attempt: 1, state: 'calling' }]);
      expect(await state(id)).toBe('calling');

      // Approving again is a state conflict, explained on the page.
      const again = await act(id, 'approve');
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('data-testid="action-error"');
      expect(again.body).toContain('The case is calling; only an escalated case waiting for review can be approved.');
    });

    it('refuses to approve a case that is merely scheduled (409), changing nothing', async () => {
      const id = await newCase('scheduled');
      const before = (await events(id)).length;
      const res = await act(id, 'approve');
      expect(res.statusCode).toBe(409);
      expect(res.body).toContain('only an escalated case waiting for review can be approved');
      expect(await state(id)).toBe('scheduled');
      expect((await events(id)).length).toBe(before);
    });

    it('cancels a case with a reason, drops its queued callback, then refuses a second cancel (409) and an over-long reason (400)', async () => {
      const id = await newCase('scheduled');
      const tooLong = await act(id, 'cancel', { reason: 'x'.repeat(201) });
      expect(tooLong.statusCode).toBe(400);
      expect(tooLong.body).toContain('at most 200 characters');
      expect(await state(id)).toBe('scheduled');

      const res = await act(id, 'cancel', { reason: 'customer called the help desk to withdraw' });
      expect(res.statusCode).toBe(303);
      expect(await t.services.cases.require(id)).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
      const last = (await events(id)).at(-1);
      expect(last).toEqual({
        kind: 'cancelled_by_operator',
        data: { from: 'scheduled', to: 'cancelled', operatorId, reason: 'customer called the help desk to withdraw' },
      });
      expect(await callbackJob(id, MON_0900_JST)).toBeUndefined();

      const page = await op.get(`/console/cases/${id}`);
      expect(page.body).not.toContain(`/console/cases/${id}/cancel`);
      const again = await act(id, 'cancel');
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('The case is already cancelled; it cannot be cancelled. Nothing was changed.');
      const againJa = await act(id, 'cancel', {}, 'ja');
      expect(againJa.statusCode).toBe(409);
      expect(againJa.body).toContain('ケースはすでに「取消」です。取り消せません。何も変更していません。');
    });

    it('refuses call-now outside business hours without the override (409), and with it records the override and dials', async () => {
      const id = await newCase('scheduled');
      await setClock(SAT_1000_JST);
      const refused = await act(id, 'call-now');
      expect(refused.statusCode).toBe(409);
      // The next opening in the operator's language and the business zone, never UTC.
      expect(refused.body).toContain('Outside business hours (next opening Mon 3 Dec 2035 09:00 JST)');
      const refusedJa = await act(id, 'call-now', {}, 'ja');
      expect(refusedJa.statusCode).toBe(409);
      expect(refusedJa.body).toContain('営業時間外です（次の営業開始: 2035年12月3日(月) 09:00 JST）');
      expect(refusedJa.body).toContain('「営業時間外でも発信する」');
      expect(await state(id)).toBe('scheduled');
      expect(dialer.of(id)).toEqual([]);

      const res = await act(id, 'call-now', { outside_hours: '1' });
      expect(res.statusCode).toBe(303);
      expect(dialer.of(id)).toEqual([{ caseId: id, attempt: 1, state: 'calling' }]);
      const kinds = (await events(id)).map((e) => e.kind);
      expect(kinds.slice(-2)).toEqual(['outside_hours_override', 'call_started']);
      expect((await events(id)).find((e) => e.kind === 'outside_hours_override')?.data).toMatchObject({ operatorId });
    });

    it('calls a scheduled case now in business hours, in place of its queued slot', async () => {
      const id = await newCase('scheduled');
      await setClock(MON_1000_JST);
      const res = await act(id, 'call-now');
      expect(res.statusCode).toBe(303);
      expect(await t.services.cases.require(id)).toMatchObject({ state: 'calling', call_attempts: 1 });
      expect((await events(id)).at(-1)).toEqual({
        kind: 'call_started',
        data: {
          from: 'scheduled',
          to: 'calling',
          attempt: 1,
          provesPhonePossession: false,
          via: 'call_now',
          operatorId,
          outsideHours: false,
        },
      });
      // The slot's job is gone, so the worker does not ring a second time.
      expect(await callbackJob(id, MON_0900_JST)).toBeUndefined();
      await t.services.jobs.worker.runDue();
      expect(dialer.of(id)).toHaveLength(1);

      const again = await act(id, 'call-now');
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('only a scheduled case can be called now');
    });

    it('refuses a post without a valid CSRF token (403) and changes nothing', async () => {
      const id = await newCase('review');
      const missing = await op.post(`/console/cases/${id}/approve?lang=ja`, {});
      expect(missing.statusCode).toBe(403);
      expect(missing.body).toContain('フォームの有効期限が切れたか');
      const forged = await op.post(`/console/cases/${id}/cancel?lang=en`, { _csrf: 'a'.repeat(64) });
      expect(forged.statusCode).toBe(403);
      expect(forged.body).toContain(
        'The form was stale or not from this site. Nothing was changed. Open the page again and try once more.',
      );
      expect(await state(id)).toBe('escalated');
      expect((await events(id)).map((e) => e.kind)).toEqual(['case_opened', 'needs_review']);
    });

    it('refuses a signed-in customer (403) and sends an anonymous visitor to sign-in, changing nothing', async () => {
      const id = await newCase('review');
      const customer = new InjectBrowser(t.server.app, '192.0.2.50');
      expect((await customer.signIn(`cust${customerCount}-${db.name}@example.com`, 'correct horse battery')).statusCode).toBe(303);
      for (const action of ['approve', 'cancel', 'call-now']) {
        const res = await customer.submit('/account', `/console/cases/${id}/${action}`, { outside_hours: '1' });
        expect(res.statusCode, action).toBe(403);
      }
      const anon = new InjectBrowser(t.server.app, '192.0.2.51');
      const res = await anon.submit('/signin?lang=en', `/console/cases/${id}/cancel`, {});
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toMatch(/^\/signin\?lang=/);
      expect(await state(id)).toBe('escalated');
    });

    it('answers 404 for an unknown case', async () => {
      const list = await op.get('/console');
      const token = /name="_csrf" value="([^"]+)"/.exec(list.body)?.[1];
      expect(token).toBeTruthy();
      const res = await op.post('/console/cases/00000000-0000-4000-8000-000000000000/cancel', { _csrf: token! });
      expect(res.statusCode).toBe(404);
    });

    it("signs out with the console's nav form (it carries the CSRF field)", async () => {
      const other = new InjectBrowser(t.server.app, '192.0.2.2');
      other.useSession((await t.services.identity.sessions.create(operatorId, 'full', clock.now())).token);
      const res = await other.submit('/console', '/signout', {});
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toContain('signedout=1');
      expect((await other.get('/console')).statusCode).toBe(303);
    });

    it('leaves an audit chain that verifies after all the actions', async () => {
      const verdict = await verifyAuditLog(t.services.store);
      expect(verdict).toMatchObject({ ok: true });
      const all = await t.services.store.db
        .selectFrom('case_events')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      expect(verdict.checked).toBe(Number(all.n));
      expect(verdict.checked).toBeGreaterThan(0);
    });
  });
}
