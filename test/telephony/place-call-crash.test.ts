import { afterEach, describe, expect, it } from 'vitest';
import { placeCallback } from '../../src/cases/callback-job';
import { AizuchiError } from '../../src/domain/errors';
import type { JobContext } from '../../src/jobs/queue';
import { writeTransaction } from '../../src/store/write-transaction';
import { PLACE_CALL_JOB, createPlaceCallJobHandler } from '../../src/telephony/carrier';
import { storedJobs } from '../jobs/queued-jobs';
import { type CarrierRig, carrierRig, eventData, eventKinds, requestCallback, until } from './carrier-rig';

class SimulatedCrash extends AizuchiError {
  constructor() {
    super('the process died here', { code: 'simulated_crash' });
  }
}

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const databases: Array<[string, string | undefined]> = [
  ['SQLite', undefined],
  ...(postgresUrl ? [['PostgreSQL', postgresUrl] as [string, string]] : []),
];

/** Issue 8: "a crash between the carrier's answer and the database write never places a second call for the same attempt". */
describe.each(databases)('the outbound-call job across a crash on %s', (_name, pgUrl) => {
  let rig: CarrierRig | null = null;
  afterEach(async () => {
    await rig?.dispose();
    rig = null;
  });

  /** Dials the case (as the due callback would) without running the queue, and returns the queued job's payload. */
  async function dialed(r: CarrierRig, caseId: string): Promise<unknown> {
    await r.services.cases.inTransaction(async (trx) => {
      const row = await r.services.cases.get(caseId, trx);
      await placeCallback({ cases: r.services.cases, dialer: r.services.dialer }, trx, row!);
    });
    const [job] = await storedJobs(r.services.store, r.services.jobs.engine, PLACE_CALL_JOB, r.services.keys.jobs);
    if (!job) throw new Error('no outbound-call job queued');
    return job.payload;
  }

  function handler(r: CarrierRig) {
    return createPlaceCallJobHandler({
      carrier: r.fake,
      store: r.services.store,
      cases: r.services.cases,
      calls: r.services.calls,
      ringTimeoutSec: 30,
      logger: r.services.logger,
    });
  }

  const ctx = (attempt: number, complete: JobContext['complete']): JobContext => ({
    jobId: 'job-under-test',
    attempt,
    signal: new AbortController().signal,
    complete,
  });

  it('after place() but before the write: the re-run dials nothing, ends the attempt unknown, and the retry dials a new attempt', async () => {
    rig = await carrierRig({ AIZUCHI_CALLBACK_RETRY_DELAY_MIN: '0' }, pgUrl);
    const r = rig;
    const { caseId } = await requestCallback(r);
    const payload = await dialed(r, caseId);
    const run = handler(r);

    const crashed = await run(
      payload,
      ctx(1, async () => Promise.reject(new SimulatedCrash())),
    ).catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(SimulatedCrash);
    expect(r.fake.placed).toHaveLength(1);
    const [call] = await r.services.calls.callsForCase(caseId);
    expect(call!.call).toMatchObject({ dial_state: 'placing', carrier_call_id: null, state: 'pending' });

    // The queue runs the job again once the dead process's lease lapsed.
    await run(
      payload,
      ctx(2, (effects) => r.services.cases.inTransaction(effects)),
    );
    expect(r.fake.placeCalls).toBe(1);
    const [after] = await r.services.calls.callsForCase(caseId);
    expect(after!.call).toMatchObject({ dial_state: 'unknown', state: 'ended', outcome: 'abandoned' });
    expect(await eventData(r, caseId, 'call_place_unknown')).toMatchObject({
      callId: after!.call.id,
      carrier: 'sip',
      reason: 'interrupted',
    });
    expect(await eventData(r, caseId, 'call_ended')).toMatchObject({ outcome: 'abandoned', detail: 'carrier_failed' });

    // The queued job itself (never run by the queue here) and the retry: only the NEW attempt dials.
    await until(r, 'the retry', () => r.fake.placed.length === 2);
    expect(r.fake.lastPlaced().request.callId).not.toBe(after!.call.id);
    expect((await eventKinds(r, caseId)).filter((k) => k === 'call_placed')).toHaveLength(1);
  });

  it('a transient refusal retries the same attempt; a refusal for good ends it and the retry policy takes over', async () => {
    rig = await carrierRig({ AIZUCHI_CALLBACK_RETRY_DELAY_MIN: '0' }, pgUrl);
    const r = rig;
    const { caseId } = await requestCallback(r);
    const payload = await dialed(r, caseId);
    const run = handler(r);
    r.fake.refuseNext(true);
    const retry = await run(
      payload,
      ctx(1, (effects) => r.services.cases.inTransaction(effects)),
    ).catch((e: unknown) => e);
    expect(retry).toMatchObject({ retryable: true, code: 'retry_later' });
    const [queued] = await r.services.calls.callsForCase(caseId);
    expect(queued!.call).toMatchObject({ dial_state: 'queued', state: 'pending' });
    expect(await eventData(r, caseId, 'call_place_retry')).toMatchObject({ carrier: 'sip', try: 1, error: 'carrier_unavailable' });

    r.fake.refuseNext(false);
    await run(
      payload,
      ctx(2, (effects) => r.services.cases.inTransaction(effects)),
    );
    const [failed] = await r.services.calls.callsForCase(caseId);
    expect(failed!.call).toMatchObject({ dial_state: 'failed', state: 'ended', outcome: 'abandoned' });
    expect(await eventData(r, caseId, 'call_failed')).toMatchObject({ carrier: 'sip', error: 'carrier_refused', retryable: false });
    expect(r.fake.placed).toHaveLength(0);
    await until(r, 'the next attempt', () => r.fake.placed.length === 1);
    expect((await r.services.cases.require(caseId)).call_attempts).toBe(2);
  });

  it("a placed call's leg id commits in the queue's own transaction, which holds no chain lock (the job takes the case's first)", async () => {
    rig = await carrierRig({}, pgUrl);
    const r = rig;
    const { caseId } = await requestCallback(r);
    const payload = await dialed(r, caseId);
    // As both queues complete a job: a plain write transaction (its done mark first), not cases.inTransaction.
    await handler(r)(
      payload,
      ctx(1, (effects) => writeTransaction(r.services.store, effects)),
    );
    const [placed] = await r.services.calls.callsForCase(caseId);
    expect(placed!.call).toMatchObject({ dial_state: 'placed', state: 'pending', carrier_call_id: r.fake.lastPlaced().leg.carrierCallId });
    expect(await eventData(r, caseId, 'call_placed')).toMatchObject({ callId: placed!.call.id, carrier: 'sip' });
  });
});
