import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../e2e/support/clocks';
import { DATABASES, TEST_POSTGRES_URL } from '../e2e/support/databases';
import { InjectBrowser } from '../e2e/support/inject-browser';
import { type TestServer, startTestServer } from '../e2e/support/test-server';

// Monday 10:00 JST: open hours.
const MON_1000_JST = new Date('2035-12-03T01:00:00Z');

for (const db of DATABASES) {
  describe.runIf(db.enabled)(`escalation queue in the console (${db.name})`, () => {
    const clock = manualClock(MON_1000_JST);
    let t: TestServer;
    let op: InjectBrowser;
    let operatorId: string;
    let n = 0;

    /** A recovery request from a number not on record: the case waits for a person's review. */
    async function reviewCase(lang: 'ja' | 'en', form: { recordingConsent?: boolean } = {}): Promise<string> {
      const i = ++n;
      const email = `esc${i}-${db.name}@example.com`;
      await t.services.identity.createAccount({
        email,
        password: 'correct horse battery',
        name: `Esc ${i}`,
        phone: `090-2222-${String(3000 + i)}`,
        role: 'customer',
      });
      const res = await t.server.app.inject({
        method: 'POST',
        url: '/api/v1/recovery-requests',
        remoteAddress: `192.0.2.${50 + i}`,
        payload: { email, phone: `080-7777-${String(1000 + i)}`, lang, consent: true, ...form },
      });
      expect(res.statusCode).toBe(202);
      return (await t.services.cases.list({ email }))[0]!.id;
    }
    async function mails(email: string) {
      await t.services.jobs.worker.runDue();
      const res = await t.server.app.inject({ method: 'GET', url: `/api/v1/dev/mail?to=${encodeURIComponent(email)}` });
      expect(res.statusCode).toBe(200);
      return res.json() as Array<{ subject: string; text: string }>;
    }
    const emailOf = (i: number) => `esc${i}-${db.name}@example.com`;
    const escalationOf = async (caseId: string) =>
      (await t.services.store.db.selectFrom('escalations').selectAll().where('case_id', '=', caseId).executeTakeFirst())!;

    beforeAll(async () => {
      t = await startTestServer({
        clock,
        postgresServerUrl: db.name === 'postgres' ? TEST_POSTGRES_URL : undefined,
        env: { AIZUCHI_RECOVERY_RESPONSE_FLOOR_MS: '0', AIZUCHI_ESCALATION_SLA_MIN: '60' },
      });
      const created = await t.services.identity.createAccount({
        email: `esc-op-${db.name}@example.com`,
        password: 'operator password',
        name: 'Op',
        phone: '03-1234-5678',
        role: 'operator',
        mfa: true,
      });
      operatorId = created.account.id;
      op = new InjectBrowser(t.server.app, '192.0.2.1');
      await signInNow();
    });
    /** A fresh console session at the clock's time (the idle and absolute limits start from it). */
    async function signInNow(): Promise<void> {
      op.useSession((await t.services.identity.sessions.create(operatorId, 'full', clock.now())).token);
    }

    afterAll(async () => {
      await t?.stop();
    });

    it('lists a case waiting for review with its reason in words, language and SLA clock, in English and Japanese', async () => {
      const id = await reviewCase('ja');
      const esc = await escalationOf(id);
      expect(esc).toMatchObject({ reason: 'phone_not_on_record', claimed_by: null });

      const en = await op.get('/console/escalations?lang=en');
      expect(en.statusCode).toBe(200);
      expect(en.body).toContain(`href="/console/escalations/${esc.id}?lang=en">Number not on record</a>`);
      expect(en.body).toContain('1 h 00 min left');
      expect(en.body).toContain('Japanese');
      expect(en.body).toContain('JST');

      const ja = await op.get('/console/escalations?lang=ja');
      expect(ja.body).toContain('登録にない電話番号');
      expect(ja.body).toContain('残り 1時間00分');

      // 75 minutes on, the 30-minute idle limit has ended the console session: sign in again, as a person would.
      clock.set(new Date(MON_1000_JST.getTime() + 75 * 60_000));
      await signInNow();
      expect((await op.get('/console/escalations?lang=en')).body).toContain('overdue by 15 min');
      clock.set(MON_1000_JST);
      await signInNow();

      // The case page links to it and its outcome names the reason.
      const casePage = await op.get(`/console/cases/${id}`);
      expect(casePage.body).toContain('escalated: phone_not_on_record');
      expect(casePage.body).toContain(`href="/console/escalations/${esc.id}?lang=`);
    });

    it('shows the summary without the address, claims, notes and releases through the forms, each with the operator id', async () => {
      const id = await reviewCase('en');
      const esc = await escalationOf(id);
      const url = `/console/escalations/${esc.id}`;
      const detail = await op.get(`${url}?lang=en`);
      expect(detail.body).toContain('data-testid="call-summary"');
      expect(detail.body).toMatch(/data-check="phone_on_record" data-held="false"/);
      expect(detail.body).toMatch(/data-check="password_at_request" data-held="false"/);
      expect(detail.body).not.toContain(`esc${n}-${db.name}@example.com`);

      // The form posts with the page's language and lands back on the page in it.
      const claimed = await op.submit(url, `${url}/claim?lang=ja`, {});
      expect(claimed.statusCode).toBe(303);
      expect(claimed.headers.location).toBe(`${url}?lang=ja`);
      expect((await escalationOf(id)).claimed_by).toBe(operatorId);
      // The row head says 'Held by'; the cell says who, once (it read 'Held by | Held by you').
      expect((await op.get(`${url}?lang=en`)).body).toContain('<th>Held by</th><td data-testid="holder">you</td>');

      const badNote = await op.submit(url, `${url}/note`, { text: 'code was 123456' });
      expect(badNote.statusCode).toBe(400);
      // The domain's refusal said by its code, in the page's language (Japanese unless chosen).
      expect(badNote.body).toContain('6桁以上の数字の並び（コードの可能性があります）');
      const badNoteEn = await op.submit(`${url}?lang=en`, `${url}/note?lang=en`, { text: 'code was 123456' });
      expect(badNoteEn.statusCode).toBe(400);
      expect(badNoteEn.body).toContain('no run of six or more digits (it could be a code)');
      expect(badNoteEn.body).toContain('Nothing was changed.');
      const note = await op.submit(url, `${url}/note`, { text: 'Customer prefers an afternoon call' });
      expect(note.statusCode).toBe(303);
      expect((await op.get(`${url}?lang=en`)).body).toContain('Customer prefers an afternoon call');

      const released = await op.submit(url, `${url}/release`, {});
      expect(released.statusCode).toBe(303);
      expect((await escalationOf(id)).claimed_by).toBeNull();
      const kinds = (await t.services.cases.history(id)).map((e) => ({
        kind: e.kind,
        data: JSON.parse(e.data) as Record<string, unknown>,
      }));
      expect(kinds.filter((e) => e.kind.startsWith('escalation_')).map((e) => [e.kind, e.data.operatorId])).toEqual([
        ['escalation_claimed', operatorId],
        ['escalation_note_added', operatorId],
        ['escalation_released', operatorId],
      ]);
    });

    it("the summary's recording consent is the request form's answer when no call asked: refused or given, ja and en", async () => {
      const consentRow = async (caseId: string, lang: 'ja' | 'en') => {
        const page = await op.get(`/console/escalations/${(await escalationOf(caseId)).id}?lang=${lang}`);
        expect(page.statusCode).toBe(200);
        return /<tr data-check="recording_consent"[^>]*>.*?<\/tr>/.exec(page.body)?.[0];
      };
      const refused = await reviewCase('ja', { recordingConsent: false });
      expect(await consentRow(refused, 'en')).toMatch(/data-held="false".*refused on the request form/);
      expect(await consentRow(refused, 'ja')).toMatch(/data-held="false".*依頼フォームで拒否/);
      const given = await reviewCase('en', { recordingConsent: true });
      expect(await consentRow(given, 'en')).toMatch(/data-held="true".*given on the request form/);
      expect(await consentRow(given, 'ja')).toMatch(/data-held="true".*依頼フォームで同意/);
      // Nothing on the form (it is ticked only to refuse): the request is recorded, as calls treat it.
      expect(await consentRow(await reviewCase('en'), 'en')).toMatch(/data-held="true".*given on the request form/);
    });

    it('refuses a form without its CSRF field and changes nothing', async () => {
      const id = await reviewCase('en');
      const esc = await escalationOf(id);
      const res = await op.post(`/console/escalations/${esc.id}/claim`, {});
      expect(res.statusCode).toBe(403);
      expect((await escalationOf(id)).claimed_by).toBeNull();
    });

    it('the review mail promises no time; the holder schedules a person’s callback inside business hours and the customer is mailed the time in their language', async () => {
      const id = await reviewCase('ja');
      const email = emailOf(n);
      const first = (await mails(email)).find((m) => m.subject.includes('MFAリセットのお電話を予約しました'));
      expect(first?.text).toContain('担当者が確認のうえ、日時をメールでお知らせします');

      const esc = await escalationOf(id);
      const url = `/console/escalations/${esc.id}`;
      // Only the holder acts.
      const unclaimed = await op.submit(url, `${url}/close`, { reason: 'other' });
      expect(unclaimed.statusCode).toBe(409);
      expect(unclaimed.body).toContain('先に「担当する」を押してください。操作できるのは担当者だけです。何も変更していません。');
      const unclaimedJson = await op.submit(url, `${url}/close`, { reason: 'other' }, { accept: 'application/json' });
      expect(unclaimedJson.statusCode).toBe(409);
      expect(unclaimedJson.json()).toEqual({
        error: 'not_holder',
        message: '先に「担当する」を押してください。操作できるのは担当者だけです。何も変更していません。',
      });
      expect((await op.submit(url, `${url}/claim`, {})).statusCode).toBe(303);

      // Saturday 2035-12-08 11:00 JST is closed; Monday 2035-12-03 15:30 JST is open.
      const closed = await op.submit(url, `${url}/callback`, { at: '2035-12-08T11:00' });
      expect(closed.statusCode).toBe(400);
      expect(closed.body).toContain('その日時は営業時間外です。次の営業開始は 2035年12月10日(月) 09:00 JST です。');
      const closedEn = await op.submit(`${url}?lang=en`, `${url}/callback?lang=en`, { at: '2035-12-08T11:00' });
      expect(closedEn.statusCode).toBe(400);
      expect(closedEn.body).toContain('That time is outside business hours; the next opening is Mon 10 Dec 2035 09:00 JST.');
      const booked = await op.submit(url, `${url}/callback`, { at: '2035-12-03T15:30' });
      expect(booked.statusCode).toBe(303);
      const event = (await t.services.cases.history(id)).find((e) => e.kind === 'human_callback_scheduled');
      expect(JSON.parse(event!.data)).toEqual({ escalationId: esc.id, operatorId, at: '2035-12-03T06:30:00.000Z' });
      const mail = (await mails(email)).find((m) => m.subject.includes('担当者からのお電話のお知らせ'));
      expect(mail?.text).toContain('15:30');
      expect(mail?.text).not.toContain('6:30');
    });

    it('approving the AI callback from the queue mails the new time; closing tells the customer and takes the case out of the queue', async () => {
      const approveId = await reviewCase('en');
      const approveEsc = await escalationOf(approveId);
      const aUrl = `/console/escalations/${approveEsc.id}`;
      await op.submit(aUrl, `${aUrl}/claim`, {});
      expect((await op.get(`${aUrl}?lang=en`)).body).toContain('data-testid="approve-form"');
      expect((await op.submit(aUrl, `${aUrl}/approve`, {})).statusCode).toBe(303);
      const approved = await t.services.cases.require(approveId);
      expect(approved.state).toBe('scheduled');
      expect((await escalationOf(approveId)).resolution).toBe('operator_approved');
      const scheduledMail = (await mails(emailOf(n))).find((m) => m.subject.includes('Your call is scheduled'));
      expect(scheduledMail?.text).toContain('JST');

      const closeId = await reviewCase('en');
      const closeEsc = await escalationOf(closeId);
      const cUrl = `/console/escalations/${closeEsc.id}`;
      await op.submit(cUrl, `${cUrl}/claim`, {});
      expect((await op.submit(cUrl, `${cUrl}/close`, { reason: 'nonsense' })).statusCode).toBe(400);
      expect((await op.submit(cUrl, `${cUrl}/close`, { reason: 'handled_by_staff' })).statusCode).toBe(303);
      expect(await t.services.cases.require(closeId)).toMatchObject({ state: 'cancelled', outcome: 'closed: handled_by_staff' });
      expect((await escalationOf(closeId)).closed_at).not.toBeNull();
      expect((await mails(emailOf(n))).some((m) => m.subject.includes('Your request is closed'))).toBe(true);
      expect((await op.get('/console/escalations?lang=en')).body).not.toContain(closeEsc.id);
    });
  });
}
