import { afterEach, describe, expect, it } from 'vitest';
import { type TestStore, openPostgresTestStore, openSqliteTestStore } from '../identity/test-stores';
import { MFA_RESET_DUE_JOB } from './mfa-reset';
import { HOUR, hostPortRig } from './testing/host-port-rig';

const pgUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;

function suite(name: string, open: () => Promise<TestStore>) {
  describe(`host port on ${name}`, () => {
    let ts: TestStore | null = null;
    afterEach(async () => {
      await ts?.dispose();
      ts = null;
    });
    const fresh = async (opts?: Parameters<typeof hostPortRig>[1]) => hostPortRig((ts = await open()), opts);

    it('sends a code that is stored only as an HMAC and mailed once; a resend kills the earlier code', async () => {
      const f = await fresh();
      const caseId = await f.openCase();
      const { port } = await f.portFor(caseId);
      expect(await port.sendCode()).toBe('sent');
      const rows = await f.store.db.selectFrom('verification_codes').selectAll().execute();
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain('12675693');
      expect((await f.mailJobs()).filter((m) => m.text.includes('12675693'))).toHaveLength(1);
      expect(await port.sendCode()).toBe('sent');
      // The first code no longer verifies: only the newest one is live.
      expect(await port.checkCode('12675693')).toBe('wrong');
      expect(await port.checkCode('20000001')).toBe('ok');
      expect(JSON.stringify(await f.cases.history(caseId))).not.toMatch(/12675693|20000001/);
    });

    it('at most 3 sends per request and 5 per account in 24 h', async () => {
      const f = await fresh();
      const first = (await f.portFor(await f.openCase())).port;
      expect([await first.sendCode(), await first.sendCode(), await first.sendCode(), await first.sendCode()]).toEqual([
        'sent',
        'sent',
        'sent',
        'limit_reached',
      ]);
      const second = (await f.portFor(await f.openCase())).port;
      expect([await second.sendCode(), await second.sendCode(), await second.sendCode()]).toEqual(['sent', 'sent', 'limit_reached']);
      f.clock.advance(24 * HOUR + 1);
      const third = (await f.portFor(await f.openCase())).port;
      expect(await third.sendCode()).toBe('sent');
    });

    it('a code is single use and valid for 10 minutes', async () => {
      const f = await fresh();
      const { port } = await f.portFor(await f.openCase());
      await port.sendCode();
      f.clock.advance(10 * 60_000);
      expect(await port.checkCode('12675693')).toBe('expired');
      await port.sendCode();
      f.clock.advance(9 * 60_000);
      expect(await port.checkCode('20000001')).toBe('ok');
      expect(await port.checkCode('20000001')).toBe('expired');
    });

    it('5 wrong entries kill a code; 10 failures lock the account for 24 h', async () => {
      const f = await fresh();
      const caseA = await f.openCase();
      const a = (await f.portFor(caseA)).port;
      await a.sendCode();
      for (let i = 0; i < 5; i += 1) expect(await a.checkCode(`0000000${i}`)).toBe('wrong');
      expect(await a.checkCode('12675693')).toBe('expired');
      await a.sendCode();
      for (let i = 0; i < 4; i += 1) expect(await a.checkCode(`1111111${i}`)).toBe('wrong');
      // The 10th failure on the account locks it: even the right code is refused, on any case.
      expect(await a.checkCode('11111119')).toBe('locked');
      const b = (await f.portFor(await f.openCase())).port;
      await b.sendCode();
      expect(await b.checkCode('30000002')).toBe('locked');
      expect((await f.cases.history(caseA)).map((e) => e.kind)).toContain('account_code_locked');
      f.clock.advance(24 * HOUR + 1);
      const c = (await f.portFor(await f.openCase())).port;
      await c.sendCode();
      expect(await c.checkCode('40000003')).toBe('ok');
    });

    it('resetMfa with every piece of evidence: MFA removed, new device required, sessions revoked, mail queued, case resolved', async () => {
      const f = await fresh();
      const caseId = await f.openCase();
      const session = await f.identity.sessions.create(f.account.id, 'full', f.clock.now());
      const { port } = await f.portFor(caseId);
      await port.sendCode();
      expect(await port.checkCode('12675693')).toBe('ok');
      expect(await port.resetMfa()).toBe('reset');
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
      expect(await f.identity.sessions.read(session.token)).toBeNull();
      expect(await f.cases.require(caseId)).toMatchObject({ state: 'resolved', outcome: 'mfa_reset' });
      expect((await f.mailJobs()).some((m) => /\/recover\/cancel\?token=/.test(m.text) && /MFA/.test(m.subject))).toBe(true);
      const kinds = (await f.cases.history(caseId)).map((e) => e.kind);
      // Each provider step is recorded as it succeeds, in the order that never leaves a password alone enough.
      expect(kinds.slice(-6)).toEqual(['reset_decision', 'reset_step', 'reset_step', 'reset_step', 'mfa_reset', 'notification_queued']);
    });

    const refused: Array<
      [string, (f: Awaited<ReturnType<typeof hostPortRig>>) => Promise<string>, string, Parameters<typeof hostPortRig>[1]?]
    > = [
      ['no password at request', (f) => f.openCase({ assurance: 'low' }), 'missing_password'],
      ['a different callback number', (f) => f.openCase({ phoneOnRecord: false }), 'phone_not_on_record'],
      [
        'another recovery in 30 days',
        async (f) => {
          await f.openCase();
          f.clock.advance(29 * 24 * HOUR);
          return f.openCase();
        },
        'recent_recovery',
      ],
      ['a privileged account', (f) => f.openCase(), 'privileged_account', { privileged: true }],
    ];
    it.each(refused)('no reset when %s', async (_label, makeCase, reason, opts) => {
      const f = await fresh(opts);
      const caseId = await makeCase(f);
      const { port } = await f.portFor(caseId);
      await port.sendCode();
      expect(
        await port.checkCode(
          (await f.store.db.selectFrom('verification_codes').select('id').where('case_id', '!=', caseId).execute()).length > 0
            ? '20000001'
            : '12675693',
        ),
      ).toBe('ok');
      expect(await port.resetMfa()).toBe('needs_person');
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: true });
      const decision = (await f.cases.history(caseId)).find((e) => e.kind === 'reset_decision');
      expect(JSON.parse(decision!.data).reasons).toEqual([reason]);
    });

    it('standard: password + the mailed code on a call through a link (softphone, text) is no phone possession → a person', async () => {
      const f = await fresh();
      const caseId = await f.openCase();
      const { port } = await f.portFor(caseId, 'standard', { provesPhonePossession: false });
      await port.sendCode();
      expect(await port.checkCode('12675693')).toBe('ok');
      expect(await port.resetMfa()).toBe('needs_person');
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: true });
      const decision = JSON.parse((await f.cases.history(caseId)).find((e) => e.kind === 'reset_decision')!.data);
      expect(decision).toMatchObject({ policy: 'standard', decision: 'needs_person', reasons: ['missing_phone_possession'] });
      expect(decision.facts.proofs).toEqual([
        { kind: 'password', source: 'request_password' },
        { kind: 'mailbox_possession', source: 'emailed_code' },
      ]);
    });

    it('mailbox: password + the mailed code on a link call reset', async () => {
      const f = await fresh({ policy: 'mailbox' });
      const caseId = await f.openCase();
      const { port } = await f.portFor(caseId, 'mailbox', { provesPhonePossession: false });
      await port.sendCode();
      expect(await port.checkCode('12675693')).toBe('ok');
      expect(await port.resetMfa()).toBe('reset');
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
    });

    it('mailbox: a different callback number is still a risk flag, and privileged accounts still go to a person', async () => {
      const f = await fresh({ policy: 'mailbox', privileged: true });
      const caseId = await f.openCase({ phoneOnRecord: false });
      const { port } = await f.portFor(caseId, 'mailbox', { provesPhonePossession: false });
      await port.sendCode();
      expect(await port.checkCode('12675693')).toBe('ok');
      expect(await port.resetMfa()).toBe('needs_person');
      const decision = JSON.parse((await f.cases.history(caseId)).find((e) => e.kind === 'reset_decision')!.data);
      expect(decision.reasons).toEqual(['phone_not_on_record', 'privileged_account']);
    });

    it('no reset after 2 failed codes or a risk flag raised on the call, nor without a verified code', async () => {
      const f = await fresh();
      const failedTwice = await f.portFor(await f.openCase());
      await failedTwice.port.sendCode();
      await failedTwice.port.checkCode('00000000');
      await failedTwice.port.checkCode('00000001');
      expect(await failedTwice.port.checkCode('12675693')).toBe('ok');
      expect(await failedTwice.port.resetMfa()).toBe('needs_person');

      const flagged = await f.portFor(await f.openCase());
      await flagged.port.recordEvent('risk_flag', { kind: 'contact_change_request' });
      expect(await flagged.port.resetMfa()).toBe('needs_person');
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: true });
    });

    it('strict: the reset waits 24 h in a job, then happens unless the customer signed in normally', async () => {
      const f = await fresh({ policy: 'strict' });
      const caseId = await f.openCase();
      const { port } = await f.portFor(caseId);
      await port.sendCode();
      await port.checkCode('12675693');
      expect(await port.resetMfa()).toBe('cooling_off');
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: true });
      expect((await f.cases.require(caseId)).state).toBe('verifying');
      const job = await f.store.db.selectFrom('jobs').selectAll().where('kind', '=', MFA_RESET_DUE_JOB).executeTakeFirstOrThrow();
      expect(new Date(job.run_at).getTime() - f.clock.now().getTime()).toBe(24 * HOUR);
      f.clock.advance(24 * HOUR);
      await f.reset.dueHandler(JSON.parse(job.payload), {
        jobId: job.id,
        attempt: 1,
        signal: new AbortController().signal,
        complete: async (fn) => f.cases.inTransaction(fn),
      });
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
      expect((await f.cases.require(caseId)).state).toBe('resolved');
    });

    it('strict: a normal sign-in during the cooling-off cancels the reset', async () => {
      const f = await fresh({ policy: 'strict' });
      const caseId = await f.openCase();
      const { port } = await f.portFor(caseId);
      await port.sendCode();
      await port.checkCode('12675693');
      await port.resetMfa();
      f.clock.advance(HOUR);
      await f.identity.sessions.create(f.account.id, 'full', f.clock.now());
      f.clock.advance(23 * HOUR);
      const job = await f.store.db.selectFrom('jobs').selectAll().where('kind', '=', MFA_RESET_DUE_JOB).executeTakeFirstOrThrow();
      await f.reset.dueHandler(JSON.parse(job.payload), {
        jobId: job.id,
        attempt: 1,
        signal: new AbortController().signal,
        complete: async (fn) => f.cases.inTransaction(fn),
      });
      expect(await f.identity.getAccount(f.account.id)).toMatchObject({ mfaEnabled: true });
      expect(await f.cases.require(caseId)).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
    });

    it('checkEmail compares without revealing; reschedule offers the next open slot after the delay', async () => {
      const f = await fresh();
      const { port, state } = await f.portFor(await f.openCase());
      expect(await port.checkEmail('MATTY@gmail.com')).toBe(true);
      expect(await port.checkEmail('matta@gmail.com')).toBe(false);
      const slot = await port.reschedule();
      expect(slot?.at.getTime()).toBe(f.clock.now().getTime() + 30 * 60_000 + HOUR);
      expect(state.callbackAt).toEqual(slot?.at);
    });
  });
}

suite('SQLite', openSqliteTestStore);
describe.runIf(pgUrl)('PostgreSQL', () => suite('PostgreSQL', () => openPostgresTestStore(pgUrl!)));
