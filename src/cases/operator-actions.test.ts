import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../audit/audit-log';
import { RecordingDialer } from '../channels/testing/recording-dialer';
import { RecordingJobQueue } from '../jobs/testing/recording-job-queue';
import { type Store, openStore } from '../store/connect';
import { migrateToLatest } from '../store/migrate';
import { CALLBACK_JOB, callbackDedupeKey } from './callback-job';
import { CaseService } from './case-service';
import { COMMAND_LINE, OperatorActionError, availableActions, createOperatorActions, escalationReview } from './operator-actions';

const SAT_1000_JST = new Date('2035-12-01T01:00:00Z');
const MON_0900_JST = new Date('2035-12-03T00:00:00Z');
const MON_1000_JST = new Date('2035-12-03T01:00:00Z');
const OPERATOR = { accountId: 'op-account-1' };
const ACCOUNT_ID = 'customer-account-1';

describe('operator actions', () => {
  let store: Store;
  let now: Date;
  let cases: CaseService;
  let queue: RecordingJobQueue;
  let cancelledKeys: string[];
  let dialer: RecordingDialer;

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await migrateToLatest(store);
    // Cases belong to a real account (a call can only verify someone who has one).
    await store.db
      .insertInto('accounts')
      .values({
        id: ACCOUNT_ID,
        email: 'a@example.com',
        name: 'Pat',
        phone_e164: '+819012345678',
        lang: 'ja',
        role: 'customer',
        password_hash: 'x',
        mfa_secret_enc: null,
        mfa_enabled: 1,
        mfa_enroll_required: 0,
        privileged: 0,
        created_at: SAT_1000_JST.toISOString(),
        updated_at: SAT_1000_JST.toISOString(),
      })
      .execute();
    now = SAT_1000_JST;
    cases = new CaseService(store, { now: () => now });
    queue = new RecordingJobQueue({ now: () => now });
    cancelledKeys = [];
    dialer = new RecordingDialer();
  });
  afterEach(async () => {
    await store.close();
  });

  const enqueued = () =>
    queue.jobs.map((j) => ({ kind: j.kind, payload: j.payload, runAt: j.runAt, dedupeKey: j.dedupeKey, inTrx: j.trx !== undefined }));
  // Open Mon–Fri 09:00–18:00 JST, which is 00:00–09:00 UTC.
  const calendar = {
    isOpen: (d: Date) => d.getUTCDay() >= 1 && d.getUTCDay() <= 5 && d.getUTCHours() < 9,
    nextOpen: (d: Date) => (d.getTime() < MON_0900_JST.getTime() ? MON_0900_JST : d),
  };
  const actions = () =>
    createOperatorActions({
      cases,
      calendar,
      queue,
      cancelJob: async (key) => {
        cancelledKeys.push(key);
        return true;
      },
      // Records the case state inside the dialling transaction: already `calling` when the phone rings.
      dialer,
      clock: { now: () => now },
      callLeadMs: 5 * 60_000,
    });

  async function openCase(
    path: 'review' | 'scheduled' | 'call_escalated' | 'resolved',
    accountId: string | null = ACCOUNT_ID,
  ): Promise<string> {
    const row = await cases.inTransaction((trx) =>
      cases.open(
        trx,
        {
          account_id: accountId,
          email: 'a@example.com',
          phone_e164: '+819012345678',
          phone_on_record: path === 'review' ? 0 : 1,
          lang: 'ja',
          state: 'requested',
          assurance: 'password_verified',
          consent_at: now.toISOString(),
          consent_version: 'v1',
          recording_consent: 1,
          client_ip_hash: 'h',
          scheduled_at: null,
          cancel_token_hash: null,
        },
        {},
      ),
    );
    await cases.inTransaction(async (trx) => {
      if (path === 'review')
        return void (await cases.transition(trx, row.id, 'escalated', 'needs_review', { reason: 'phone_not_on_record' }));
      await cases.transition(trx, row.id, 'scheduled', 'callback_scheduled', {}, { scheduled_at: MON_0900_JST.toISOString() });
      if (path === 'scheduled') return;
      await cases.transition(trx, row.id, 'calling', 'call_started', { attempt: 1 }, { call_attempts: 1 });
      await cases.transition(
        trx,
        row.id,
        path === 'resolved' ? 'verifying' : 'escalated',
        path === 'resolved' ? 'call_connected' : 'call_escalated',
      );
      if (path === 'resolved') await cases.transition(trx, row.id, 'resolved', 'mfa_reset');
    });
    return row.id;
  }

  const lastEvent = async (id: string) => {
    const h = await cases.history(id);
    const e = h[h.length - 1]!;
    return { kind: e.kind, data: JSON.parse(e.data) as Record<string, unknown> };
  };

  it('approves a case waiting for review: scheduled at the next opening after the lead, callback queued in the same transaction', async () => {
    const id = await openCase('review');
    expect(availableActions(await cases.require(id), await cases.history(id))).toEqual({ approve: true, cancel: true, callNow: false });
    const { scheduledAt } = await actions().approveCallback(id, OPERATOR);
    expect(scheduledAt).toEqual(MON_0900_JST);
    expect(await cases.require(id)).toMatchObject({ state: 'scheduled', scheduled_at: MON_0900_JST.toISOString() });
    expect(enqueued()).toEqual([
      { kind: CALLBACK_JOB, payload: { caseId: id }, runAt: MON_0900_JST, dedupeKey: callbackDedupeKey(id, MON_0900_JST), inTrx: true },
    ]);
    expect(await lastEvent(id)).toEqual({
      kind: 'operator_approved',
      data: {
        from: 'escalated',
        to: 'scheduled',
        operatorId: OPERATOR.accountId,
        review: 'phone_not_on_record',
        at: MON_0900_JST.toISOString(),
      },
    });
    expect(dialer.dials).toEqual([]);
  });

  it('adds the lead to the approval time when the calendar is open', async () => {
    const id = await openCase('review');
    now = MON_1000_JST;
    const { scheduledAt } = await actions().approveCallback(id, OPERATOR);
    expect(scheduledAt).toEqual(new Date(MON_1000_JST.getTime() + 5 * 60_000));
  });

  it('refuses to approve a case escalated during a call, or one not escalated', async () => {
    const escalatedOnCall = await openCase('call_escalated');
    expect(escalationReview(await cases.history(escalatedOnCall))).toBeNull();
    expect(availableActions(await cases.require(escalatedOnCall), await cases.history(escalatedOnCall)).approve).toBe(false);
    await expect(actions().approveCallback(escalatedOnCall, OPERATOR)).rejects.toMatchObject({ code: 'not_reviewable' });
    const scheduled = await openCase('scheduled');
    await expect(actions().approveCallback(scheduled, OPERATOR)).rejects.toMatchObject({ code: 'wrong_state' });
    await expect(actions().approveCallback('missing', OPERATOR)).rejects.toMatchObject({ code: 'not_found' });
    expect((await cases.require(escalatedOnCall)).state).toBe('escalated');
    expect(enqueued()).toEqual([]);
  });

  it('cancels a live case with the reason, drops its queued callback, and refuses a closed one', async () => {
    const id = await openCase('scheduled');
    await actions().cancel(id, OPERATOR, '  customer phoned the help desk  ');
    expect(await cases.require(id)).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
    expect(cancelledKeys).toEqual([callbackDedupeKey(id, MON_0900_JST)]);
    expect(await lastEvent(id)).toEqual({
      kind: 'cancelled_by_operator',
      data: { from: 'scheduled', to: 'cancelled', operatorId: OPERATOR.accountId, reason: 'customer phoned the help desk' },
    });
    await expect(actions().cancel(id, OPERATOR)).rejects.toMatchObject({ code: 'wrong_state' });
    const resolved = await openCase('resolved');
    expect(availableActions(await cases.require(resolved), [])).toEqual({ approve: false, cancel: false, callNow: false });
    await expect(actions().cancel(resolved, OPERATOR)).rejects.toBeInstanceOf(OperatorActionError);
  });

  it('cancels without a reason, and refuses a reason over 200 characters without touching the case', async () => {
    const id = await openCase('review');
    await expect(actions().cancel(id, OPERATOR, 'x'.repeat(201))).rejects.toMatchObject({ code: 'invalid_input' });
    expect((await cases.require(id)).state).toBe('escalated');
    await actions().cancel(id, OPERATOR, 'あ'.repeat(200));
    expect((await cases.require(id)).state).toBe('cancelled');
    const other = await openCase('review');
    await actions().cancel(other, OPERATOR);
    expect((await lastEvent(other)).data).toEqual({ from: 'escalated', to: 'cancelled', operatorId: OPERATOR.accountId });
  });

  it('calls a scheduled case now in business hours: calling and dialled in one transaction, the queued slot dropped', async () => {
    const id = await openCase('scheduled');
    now = MON_1000_JST;
    expect(await actions().callNow(id, OPERATOR, { outsideHours: false })).toEqual({ attempt: 1 });
    expect(dialer.dials).toEqual([{ caseId: id, attempt: 1, state: 'calling' }]);
    expect(cancelledKeys).toEqual([callbackDedupeKey(id, MON_0900_JST)]);
    expect(await cases.require(id)).toMatchObject({ state: 'calling', call_attempts: 1 });
    expect(await lastEvent(id)).toEqual({
      kind: 'call_started',
      data: {
        from: 'scheduled',
        to: 'calling',
        attempt: 1,
        provesPhonePossession: false,
        via: 'call_now',
        operatorId: OPERATOR.accountId,
        outsideHours: false,
      },
    });
    expect((await cases.history(id)).map((e) => e.kind)).not.toContain('outside_hours_override');
  });

  it('refuses to call outside business hours unless overridden, and records the override', async () => {
    const id = await openCase('scheduled');
    await expect(actions().callNow(id, OPERATOR, { outsideHours: false })).rejects.toMatchObject({ code: 'outside_hours' });
    expect(dialer.dials).toEqual([]);
    expect((await cases.require(id)).state).toBe('scheduled');
    await actions().callNow(id, OPERATOR, { outsideHours: true });
    const kinds = (await cases.history(id)).map((e) => e.kind);
    expect(kinds.slice(-2)).toEqual(['outside_hours_override', 'call_started']);
    expect(dialer.dials).toHaveLength(1);
  });

  it('leaves the case scheduled when the dialer fails, and refuses call-now on a case that is not scheduled', async () => {
    const id = await openCase('scheduled');
    now = MON_1000_JST;
    dialer.failWith = new Error('line busy');
    await expect(actions().callNow(id, OPERATOR, { outsideHours: false })).rejects.toThrow('line busy');
    expect(await cases.require(id)).toMatchObject({ state: 'scheduled', call_attempts: 0 });
    const review = await openCase('review');
    await expect(actions().callNow(review, OPERATOR, { outsideHours: true })).rejects.toMatchObject({ code: 'wrong_state' });
    expect((await verifyAuditLog(store)).ok).toBe(true);
  });

  it('refuses call-now on a case with no account to verify, before dialling', async () => {
    const id = await openCase('scheduled', null);
    now = MON_1000_JST;
    await expect(actions().callNow(id, OPERATOR, { outsideHours: false })).rejects.toMatchObject({ code: 'no_account' });
    expect(dialer.dials).toEqual([]);
    expect((await cases.require(id)).state).toBe('scheduled');
  });

  it("records the command line as the actor of a CLI call-now, with the CLI's override wording", async () => {
    const id = await openCase('scheduled');
    await expect(actions().callNow(id, COMMAND_LINE, { outsideHours: false })).rejects.toThrow(
      /outside business hours.*pass --outside-hours/,
    );
    await actions().callNow(id, COMMAND_LINE, { outsideHours: true });
    const history = (await cases.history(id)).slice(-2).map((e) => ({ kind: e.kind, data: JSON.parse(e.data) as Record<string, unknown> }));
    expect(history).toEqual([
      { kind: 'outside_hours_override', data: { operator: 'cli', via: 'cli' } },
      {
        kind: 'call_started',
        data: {
          from: 'scheduled',
          to: 'calling',
          attempt: 1,
          provesPhonePossession: false,
          via: 'call_now',
          operator: 'cli',
          outsideHours: true,
        },
      },
    ]);
    expect(dialer.dials).toEqual([{ caseId: id, attempt: 1, state: 'calling' }]);
  });

  it('takes over a ring nobody answered only when asked (the CLI): the old link ends, the case rings again', async () => {
    const id = await openCase('scheduled');
    now = MON_1000_JST;
    await actions().callNow(id, OPERATOR, { outsideHours: false });
    // The ring's link, as the softphone dialer would have stored it, still unanswered.
    const ring = {
      id: 'call-1',
      case_id: id,
      channel: 'softphone',
      state: 'pending',
      token_hash: 'h1',
      token_expires_at: new Date(now.getTime() + 600_000).toISOString(),
      started_at: null,
      ended_at: null,
      outcome: null,
      recording_path: null,
      recording_deleted_at: null,
      proves_phone_possession: 0,
      created_at: now.toISOString(),
    };
    await store.db.insertInto('calls').values(ring).execute();
    // A second console press does not ring twice.
    await expect(actions().callNow(id, OPERATOR, { outsideHours: false })).rejects.toMatchObject({ code: 'wrong_state' });

    expect(await actions().callNow(id, COMMAND_LINE, { outsideHours: false, takeOverRinging: true })).toEqual({ attempt: 2 });
    expect(await store.db.selectFrom('calls').select(['state', 'outcome']).where('id', '=', 'call-1').executeTakeFirst()).toEqual({
      state: 'ended',
      outcome: 'abandoned',
    });
    expect(await cases.require(id)).toMatchObject({ state: 'calling', call_attempts: 2 });
    const history = (await cases.history(id)).slice(-2).map((e) => ({ kind: e.kind, data: JSON.parse(e.data) as Record<string, unknown> }));
    expect(history).toEqual([
      { kind: 'ringing_call_taken_over', data: { from: 'calling', to: 'scheduled', operator: 'cli', calls: ['call-1'] } },
      {
        kind: 'call_started',
        data: {
          from: 'scheduled',
          to: 'calling',
          attempt: 2,
          provesPhonePossession: false,
          via: 'call_now',
          operator: 'cli',
          outsideHours: false,
        },
      },
    ]);
    expect(dialer.dials.map((d) => d.attempt)).toEqual([1, 2]);
    expect((await verifyAuditLog(store)).ok).toBe(true);
  });
});
