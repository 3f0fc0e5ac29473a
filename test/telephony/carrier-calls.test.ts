import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAudioChannel } from '../../src/calls/voice/testing/in-memory-channel';
import { openStore } from '../../src/store/connect';
import { PLACE_CALL_JOB } from '../../src/telephony/carrier';
import { storedJobs } from '../jobs/queued-jobs';
import {
  CUSTOMER,
  type CarrierRig,
  JA_LINES,
  calleeSays,
  carrierRig,
  eventData,
  eventKinds,
  readCode,
  requestCallback,
  sayWhenListening,
  until,
} from './carrier-rig';

// Issue 8: a due callback rings the phone on record through a carrier. The fake carrier speaks the
// Carrier interface; everything behind it (jobs, calls, cases, the agent) is the real composition.

const postgresUrl = process.env.AIZUCHI_TEST_POSTGRES_URL;
const databases: Array<[string, string | undefined]> = [
  ['SQLite', undefined],
  ...(postgresUrl ? [['PostgreSQL', postgresUrl] as [string, string]] : []),
];

describe.each(databases)('carrier calls on %s', (_name, pgUrl) => {
  let rig: CarrierRig | null = null;
  afterEach(async () => {
    await rig?.dispose();
    rig = null;
  });

  it('a due callback is placed by the job after commit, answered, and the story ends mfa_reset with phone possession', async () => {
    rig = await carrierRig({}, pgUrl);
    const r = rig;
    // Proof that no carrier call happens inside a transaction: the case service's transactions are
    // counted, and a second connection must already see the committed `placing` mark.
    const original = r.services.cases.inTransaction.bind(r.services.cases);
    let openTransactions = 0;
    r.services.cases.inTransaction = async (fn) => {
      openTransactions++;
      try {
        return await original(fn);
      } finally {
        openTransactions--;
      }
    };
    const observer = openStore(r.databaseUrl);
    const seenAtPlace: Array<{ open: number; dialState: string | null | undefined }> = [];
    r.fake.beforePlace = async (req) => {
      const row = await observer.db.selectFrom('calls').select('dial_state').where('id', '=', req.callId).executeTakeFirst();
      seenAtPlace.push({ open: openTransactions, dialState: row?.dial_state });
    };

    const { accountId, caseId } = await requestCallback(r);
    await until(r, 'the carrier call', () => r.fake.placed.length === 1);
    await observer.close();
    expect(seenAtPlace).toEqual([{ open: 0, dialState: 'placing' }]);
    const { request, leg } = r.fake.lastPlaced();
    expect(request).toMatchObject({ toE164: '+819012345678', lang: 'ja', ringTimeoutSec: 30 });
    expect(request.mediaToken.length).toBeGreaterThanOrEqual(20);

    const [placed] = await r.services.calls.callsForCase(caseId);
    expect(placed!.call).toMatchObject({
      channel: 'sip',
      carrier: 'sip',
      carrier_call_id: leg.carrierCallId,
      dial_state: 'placed',
      state: 'pending',
    });
    // The raw token is nowhere in the store: not in the job payload, not in the call row.
    const jobs = await storedJobs(r.services.store, r.services.jobs.engine, undefined, r.services.keys.jobs);
    expect(jobs.map((j) => j.kind)).toContain(PLACE_CALL_JOB);
    expect(JSON.stringify(jobs)).not.toContain(request.mediaToken);
    expect(JSON.stringify(placed)).not.toContain(request.mediaToken);
    expect(await eventData(r, caseId, 'call_placed')).toMatchObject({
      callId: request.callId,
      carrier: 'sip',
      carrierCallId: leg.carrierCallId,
      attempt: 1,
    });

    await r.fake.progress(leg, { kind: 'ringing' });
    await r.fake.progress(leg, { kind: 'answered' });
    const audio = new InMemoryAudioChannel({ kind: 'sip' });
    expect(await r.fake.answer(leg, audio)).toEqual({ ok: true, callId: request.callId });
    // The token is single use: a second media connection with it is refused.
    expect(await r.fake.answer(leg, new InMemoryAudioChannel())).toEqual({ ok: false, reason: 'used' });
    // A person answers with a short もしもし and waits: the greeting gate hands the call to the agent.
    await calleeSays(r, audio, 'ja', 'もしもし');
    await until(r, 'the agent line', () => r.lines.length === 1);

    const line = r.lines[0]!;
    for (const said of JA_LINES) await sayWhenListening(r, line, (l) => l.say(said));
    const code = await readCode(r);
    await sayWhenListening(r, line, (l) => l.dtmf(code));
    await until(r, 'the outcome', () => line.outcome !== null);
    expect(line.outcome).toBe('mfa_reset');
    await r.fake.progress(leg, { kind: 'ended', result: 'completed' });
    // A late `ringing` after the end changes nothing.
    await r.fake.progress(leg, { kind: 'ringing' });

    expect(await r.services.identity.getAccount(accountId)).toMatchObject({ mfaEnabled: false, mfaEnrollRequired: true });
    const [ended] = await r.services.calls.callsForCase(caseId);
    expect(ended!.call).toMatchObject({ proves_phone_possession: 1, outcome: 'mfa_reset', carrier_progress: 'ended' });
    const decision = await eventData(r, caseId, 'reset_decision');
    expect((decision!.facts as { proofs: unknown[] }).proofs).toContainEqual({
      kind: 'phone_possession',
      source: 'outbound_call_to_record',
    });
    const kinds = await eventKinds(r, caseId);
    expect(kinds.filter((k) => /^call_(placing|placed|ringing|answered|completed|connected)$/.test(k))).toEqual([
      'call_placing',
      'call_placed',
      'call_ringing',
      'call_answered',
      'call_connected',
      'call_completed',
    ]);
  });

  it('busy: the attempt ends with a call_busy event, the retry is booked and mailed, and the next attempt dials again', async () => {
    rig = await carrierRig({ AIZUCHI_CALLBACK_RETRY_DELAY_MIN: '0' }, pgUrl);
    const r = rig;
    const { caseId } = await requestCallback(r);
    await until(r, 'the first call', () => r.fake.placed.length === 1);
    const first = r.fake.lastPlaced();
    await r.fake.progress(first.leg, { kind: 'ended', result: 'busy', sipCode: 486 });
    expect(await eventData(r, caseId, 'call_busy')).toMatchObject({
      callId: first.request.callId,
      carrier: 'sip',
      carrierCallId: first.leg.carrierCallId,
      sipCode: 486,
    });
    expect(await eventData(r, caseId, 'call_ended')).toMatchObject({ callId: first.request.callId, outcome: 'abandoned', detail: 'busy' });
    expect(await eventData(r, caseId, 'notification_queued')).toBeDefined();
    await until(r, 'the second call', () => r.fake.placed.length === 2);
    const second = r.fake.lastPlaced();
    expect(second.request.callId).not.toBe(first.request.callId);
    expect(second.request.mediaToken).not.toBe(first.request.mediaToken);
    expect((await r.services.cases.require(caseId)).call_attempts).toBe(2);
  });

  it('no answer on every attempt: each is retried with its events, and after the last the customer is mailed how to ask again', async () => {
    rig = await carrierRig(
      { AIZUCHI_CALLBACK_RETRIES: '1', AIZUCHI_CALLBACK_RETRY_DELAY_MIN: '0', AIZUCHI_INBOUND_NUMBER: '+81501234567' },
      pgUrl,
    );
    const r = rig;
    const { caseId } = await requestCallback(r);
    await until(r, 'the first call', () => r.fake.placed.length === 1);
    await r.fake.progress(r.fake.lastPlaced().leg, { kind: 'ringing' });
    await r.fake.progress(r.fake.lastPlaced().leg, { kind: 'ended', result: 'no_answer', sipCode: 487 });
    await until(r, 'the second call', () => r.fake.placed.length === 2);
    await r.fake.progress(r.fake.lastPlaced().leg, { kind: 'ended', result: 'no_answer' });
    await until(r, 'the case to close', async () => (await r.services.cases.require(caseId)).state === 'failed');
    expect((await eventKinds(r, caseId)).filter((k) => /^call_(no_answer|ringing|abandoned|placed)$/.test(k))).toEqual([
      'call_placed',
      'call_ringing',
      'call_no_answer',
      'call_abandoned',
      'call_placed',
      'call_no_answer',
      'call_abandoned',
    ]);
    expect(await eventData(r, caseId, 'notification_queued', 1)).toMatchObject({ template: 'calls-exhausted' });
    let mail: { subject: string; text: string } | undefined;
    await until(r, 'the last mail', async () => {
      mail = await r.services.store.db
        .selectFrom('mail_messages')
        .select(['subject', 'text'])
        .where('subject', 'like', '%つながりませんでした%')
        .executeTakeFirst();
      return mail !== undefined;
    });
    expect(mail!.text).toContain('2回お電話しましたが');
    expect(mail!.text).toMatch(/\/recover\?lang=ja/);
    // Call-in (issue 8 §4): the configured number and this case's own reference.
    const { reference } = await r.services.cases.require(caseId);
    expect(reference).toMatch(/^[1-9]\d{5}$/);
    expect(mail!.text).toContain('お電話番号: +81501234567');
    expect(mail!.text).toContain(`受付番号: ${reference}`);
    expect(r.fake.placed).toHaveLength(2);
  });

  it('progress for a leg nobody placed is ignored, and a repeated step is recorded once', async () => {
    rig = await carrierRig({}, pgUrl);
    const r = rig;
    const { caseId } = await requestCallback(r);
    await until(r, 'the call', () => r.fake.placed.length === 1);
    const before = await eventKinds(r, caseId);
    await r.fake.progress({ carrier: 'sip', carrierCallId: 'not-ours' }, { kind: 'ended', result: 'busy' });
    await r.fake.progress({ carrier: 'twilio', carrierCallId: r.fake.lastPlaced().leg.carrierCallId }, { kind: 'ringing' });
    expect(await eventKinds(r, caseId)).toEqual(before);
    const { leg } = r.fake.lastPlaced();
    await r.fake.progress(leg, { kind: 'ringing' });
    await r.fake.progress(leg, { kind: 'ringing' });
    await r.fake.progress(leg, { kind: 'initiated' });
    expect((await eventKinds(r, caseId)).filter((k) => k === 'call_ringing' || k === 'call_initiated')).toEqual(['call_ringing']);
  });

  it('the request mail promises a call to the phone on record and links no softphone page when a carrier rings', async () => {
    rig = await carrierRig({}, pgUrl, { withSoftphone: true });
    const r = rig;
    await requestCallback(r);
    let mail: { text: string } | undefined;
    await until(r, 'the request mail', async () => {
      mail = await r.services.store.db
        .selectFrom('mail_messages')
        .select(['text'])
        .where('to_addr', '=', CUSTOMER.email)
        .executeTakeFirst();
      return mail !== undefined;
    });
    expect(mail!.text).toContain('ご登録の電話番号へのお電話');
    expect(mail!.text).not.toMatch(/softphone|ブラウザ/);
  });

  it('a media connection with an unknown token is refused and starts nothing', async () => {
    rig = await carrierRig({}, pgUrl);
    const result = await rig.services.telephony!.events.answered('x'.repeat(43), new InMemoryAudioChannel(), null);
    expect(result).toEqual({ ok: false, reason: 'unknown' });
    expect(rig.lines).toHaveLength(0);
  });
});
