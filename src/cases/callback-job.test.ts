import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../observability/logger';
import { type Store, openStore } from '../store/connect';
import { migrateToLatest } from '../store/migrate';
import { writeTransaction } from '../store/write-transaction';
import { type JobContext, PermanentJobError } from '../jobs/queue';
import { RecordingJobQueue } from '../jobs/testing/recording-job-queue';
import { RecordingDialer } from '../channels/testing/recording-dialer';
import { CALLBACK_JOB, createCallbackJobHandler, callbackDedupeKey, queuedCallbackScheduler } from './callback-job';
import { CaseService } from './case-service';

const MONDAY_0930_JST = new Date('2035-12-03T00:30:00Z');

describe('callback job', () => {
  let store: Store;
  let cases: CaseService;
  let dialer: RecordingDialer;
  let queue: RecordingJobQueue;

  beforeEach(async () => {
    store = openStore('sqlite::memory:');
    await migrateToLatest(store);
    cases = new CaseService(store, { now: () => MONDAY_0930_JST });
    dialer = new RecordingDialer();
    queue = new RecordingJobQueue({ now: () => MONDAY_0930_JST });
  });
  afterEach(async () => {
    await store.close();
  });

  const handler = () =>
    createCallbackJobHandler({
      cases,
      calendar: { isOpen: () => true, nextOpen: (d) => d },
      queue,
      dialer,
      clock: { now: () => MONDAY_0930_JST },
      logger: createLogger('silent'),
    });
  const ctx = (): JobContext => ({
    jobId: 'job-1',
    attempt: 1,
    signal: new AbortController().signal,
    complete: (effects) => writeTransaction(store, effects),
  });

  async function openCase(state: 'scheduled' | 'cancelled') {
    const row = await cases.inTransaction((trx) =>
      cases.open(
        trx,
        {
          account_id: null,
          email: 'a@example.com',
          phone_e164: '+819012345678',
          phone_on_record: 1,
          lang: 'ja',
          state: 'requested',
          assurance: 'low',
          consent_at: MONDAY_0930_JST.toISOString(),
          consent_version: 'v1',
          recording_consent: 1,
          client_ip_hash: 'h',
          scheduled_at: null,
          cancel_token_hash: null,
        },
        {},
      ),
    );
    await cases.inTransaction((trx) => cases.transition(trx, row.id, 'scheduled', 'callback_scheduled'));
    if (state === 'cancelled') await cases.inTransaction((trx) => cases.transition(trx, row.id, 'cancelled', 'cancelled_by_customer'));
    return row.id;
  }

  it('does nothing for a case that is no longer scheduled (cancelled by the customer)', async () => {
    const id = await openCase('cancelled');
    await handler()({ caseId: id }, ctx());
    expect(dialer.dials.map((d) => d.caseId)).toEqual([]);
    expect((await cases.require(id)).state).toBe('cancelled');
  });

  it('does nothing when the case is scheduled for later than now (a stand-in or stale job)', async () => {
    const id = await openCase('scheduled');
    const later = new Date(MONDAY_0930_JST.getTime() + 3_600_000).toISOString();
    await cases.inTransaction((trx) => cases.transition(trx, id, 'scheduled', 'operator_approved', {}, { scheduled_at: later }));
    await handler()({ caseId: id }, ctx());
    expect(dialer.dials.map((d) => d.caseId)).toEqual([]);
    expect(await cases.require(id)).toMatchObject({ state: 'scheduled', scheduled_at: later });
  });

  it('does nothing for a case that does not exist', async () => {
    await handler()({ caseId: 'gone' }, ctx());
    expect(dialer.dials.map((d) => d.caseId)).toEqual([]);
  });

  it('refuses a payload that names no case as a permanent failure, dialling nobody', async () => {
    for (const bad of [null, {}, { caseId: 42 }, { caseId: '' }, 'c1']) {
      await expect(handler()(bad, ctx())).rejects.toBeInstanceOf(PermanentJobError);
    }
    expect(dialer.dials.map((d) => d.caseId)).toEqual([]);
  });

  it('moves a due case to calling and dials it, in business hours', async () => {
    const id = await openCase('scheduled');
    await handler()({ caseId: id }, ctx());
    expect(dialer.dials.map((d) => d.caseId)).toEqual([id]);
    expect(await cases.require(id)).toMatchObject({ state: 'calling', call_attempts: 1 });
    expect(queue.jobs).toEqual([]);
  });

  it('keys re-deferrals by case and time, so the same deferral is queued once', () => {
    const at = new Date('2035-12-03T00:00:00Z');
    expect(callbackDedupeKey('c1', at)).toBe(callbackDedupeKey('c1', new Date(at.getTime())));
    expect(callbackDedupeKey('c1', at)).not.toBe(callbackDedupeKey('c2', at));
  });

  it("schedules a recovery callback as one CALLBACK_JOB per case and time, in the caller's transaction", async () => {
    const scheduler = queuedCallbackScheduler(queue);
    const at = new Date('2035-12-03T01:00:00Z');
    await writeTransaction(store, async (trx) => {
      await scheduler.schedule(trx, 'c1', at);
      await scheduler.schedule(trx, 'c1', at); // a retried request for the same slot
    });
    const [job, ...rest] = queue.ofKind(CALLBACK_JOB);
    expect(rest).toEqual([]);
    expect(job).toMatchObject({ payload: { caseId: 'c1' }, runAt: at, dedupeKey: callbackDedupeKey('c1', at) });
    expect(job?.trx).toBeDefined();
  });
});
