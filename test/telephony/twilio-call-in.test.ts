import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeCalleeStream } from '../../src/telephony/testing/fake-callee-stream';
import { type FakeTwilio, startFakeTwilio } from '../../src/telephony/twilio/testing/fake-twilio-server';
import {
  JA,
  LINES,
  type VendorCallRig,
  agentAsked,
  freePort,
  readCode,
  requestCallback,
  speechMulaw,
  until,
  vendorCallRig,
} from './vendor-call-rig';

// Issue 8 §5, done when: a customer whose callbacks all went unanswered calls the number in the
// missed-call mail, keys the case reference, and the call runs to the MFA reset; wrong references
// lock the caller out without a hint; the right reference from another number proves nothing about
// the phone; a forged incoming-call webhook gets 403; a crash mid-identify leaves the case as it was.

const SID = `AC${'5'.repeat(32)}`;
const TOKEN = 'call-in-auth-token';
const INBOUND_JA = '+815012340000';
const ON_RECORD = '+819012345678'; // JA.phone in E.164

let rig: VendorCallRig | null = null;
let fake: FakeTwilio | null = null;
const dirs: string[] = [];
afterEach(async () => {
  await fake?.close();
  await rig?.dispose();
  fake = null;
  rig = null;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}, 120_000);

async function boot(env: Record<string, string> = {}, port?: number): Promise<{ rig: VendorCallRig; fake: FakeTwilio }> {
  fake ??= await startFakeTwilio({ accountSid: SID, authToken: TOKEN, callee: () => ({ kind: 'no-answer' }) });
  rig = await vendorCallRig(port ?? (await freePort()), {
    AIZUCHI_TELEPHONY: 'twilio',
    AIZUCHI_TWILIO_ACCOUNT_SID: SID,
    AIZUCHI_TWILIO_AUTH_TOKEN: TOKEN,
    AIZUCHI_TWILIO_FROM: '+815012345678',
    AIZUCHI_TWILIO_API_URL: fake.apiUrl,
    AIZUCHI_INBOUND_NUMBER_JA: INBOUND_JA,
    AIZUCHI_CALLBACK_RETRIES: '0',
    ...env,
  });
  return { rig, fake };
}

/** The one automatic call goes unanswered: the case fails and the mail quotes the number and reference. */
async function exhaustedCase(r: VendorCallRig): Promise<{ accountId: string; caseId: string; reference: string }> {
  const ids = await requestCallback(r, JA);
  await until('the calls-exhausted close', async () => (await r.services.cases.require(ids.caseId)).state === 'failed');
  let reference = '';
  await until('the calls-exhausted mail', async () => {
    const mails = await r.services.store.db.selectFrom('mail_messages').select('text').where('to_addr', '=', JA.email).execute();
    const text = mails.map((m) => m.text).find((t) => t.includes(INBOUND_JA));
    reference = (text && /受付番号: (\d{6})/.exec(text)?.[1]) ?? '';
    return reference !== '';
  });
  expect(reference).toBe((await r.services.cases.require(ids.caseId)).reference);
  return { ...ids, reference };
}

/** Waits until aizuchi has spoken since `since` voiced frames and then fell quiet (the identify question was asked). */
async function askedThenQuiet(stream: FakeCalleeStream, since: number): Promise<void> {
  await until('a question and then quiet', () => stream.voicedFrames > since && Date.now() - stream.lastVoiceAt > 800, 90_000);
}

/** A different reference than `reference` (same length, no leading zero). */
const otherThan = (reference: string, n: number) => String(((Number(reference) - 100_000 + n) % 900_000) + 100_000);

const voiceUrl = (r: VendorCallRig) => `${r.publicUrl}/telephony/twilio/voice`;

async function snapshot(r: VendorCallRig, caseId: string) {
  return { row: await r.services.cases.require(caseId), events: (await r.services.cases.history(caseId)).map((e) => e.kind) };
}

describe('customers calling in over Twilio', () => {
  it('exhausted callbacks: the customer calls in from the number on record, keys the reference, and the call ends mfa_reset', async () => {
    const { rig: r, fake: f } = await boot();
    const { accountId, caseId, reference } = await exhaustedCase(r);
    let outcome: unknown = 'not run';
    const call = await f.incoming({
      voiceUrl: voiceUrl(r),
      from: ON_RECORD,
      to: INBOUND_JA,
      talk: async (stream) => {
        try {
          const dir = r.services.config.dataDir;
          await askedThenQuiet(stream, 0);
          stream.press(reference);
          const utterance = await speechMulaw(dir, 'ja', 'はい、そうです');
          let heard = stream.voicedFrames;
          for (const line of LINES.ja.turns) {
            await agentAsked(r, caseId, stream, heard);
            heard = stream.voicedFrames;
            r.nextLine.push(line);
            await stream.say(utterance);
          }
          const code = await readCode(r, JA.email);
          await agentAsked(r, caseId, stream, heard);
          stream.press(code);
          await stream.closed;
          outcome = null;
        } catch (e) {
          outcome = e;
        }
      },
    });
    expect(call.status).toBe(200);
    // The answer carries only the stream URL and an opaque token: nothing about the caller or a case.
    expect(call.stream?.parameters).toEqual({ token: expect.stringMatching(/^[\w-]{40,}$/) });
    expect(call.twiml).not.toContain(ON_RECORD);
    await call.ended;
    expect(outcome).toBeNull();

    const calls = await r.services.calls.callsForCase(caseId);
    expect(calls.at(-1)!.call).toMatchObject({
      carrier: 'twilio',
      carrier_call_id: call.sid,
      outcome: 'mfa_reset',
      proves_phone_possession: 1,
    });
    expect(await r.services.identity.getAccount(accountId)).toMatchObject({ mfaEnabled: false });
    const history = await r.services.cases.history(caseId);
    const kinds = history.map((e) => e.kind);
    expect(kinds.indexOf('case_reopened_call_in')).toBeGreaterThan(kinds.indexOf('call_abandoned'));
    expect(kinds).toContain('call_in_identified');
    const decision = JSON.parse(history.find((e) => e.kind === 'reset_decision')!.data) as { facts: { proofs: unknown[] } };
    expect(decision.facts.proofs).toContainEqual({ kind: 'phone_possession', source: 'inbound_call_from_record' });
    expect((await r.services.cases.require(caseId)).state).toBe('resolved');
    // The calls-exhausted close queued the case for a person; calling in took it out of the queue.
    const queued = await r.services.store.db
      .selectFrom('escalations')
      .select(['reason', 'closed_at'])
      .where('case_id', '=', caseId)
      .execute();
    expect(queued).toEqual([{ reason: 'calls_exhausted', closed_at: expect.any(String) }]);
  }, 240_000);

  it('wrong references end the call and then lock the caller out, the right one included; the case is untouched', async () => {
    const { rig: r, fake: f } = await boot();
    const { caseId, reference } = await exhaustedCase(r);
    const before = await snapshot(r, caseId);
    const keyIn = (refs: string[]) =>
      f.incoming({
        voiceUrl: voiceUrl(r),
        from: ON_RECORD,
        to: INBOUND_JA,
        talk: async (stream) => {
          for (const ref of refs) {
            await askedThenQuiet(stream, stream.voicedFrames);
            stream.press(ref);
          }
          await stream.closed;
        },
      });
    // Three wrong ones on the first call: aizuchi ends it.
    const first = await keyIn([otherThan(reference, 1), otherThan(reference, 2), otherThan(reference, 3)]);
    await first.ended;
    expect(await first.media!.closed).toEqual({ byAizuchi: true });
    // Two more on the next call reach the caller number's daily limit: the right reference is refused too.
    const second = await keyIn([otherThan(reference, 4), otherThan(reference, 5), reference]);
    await second.ended;
    expect(await second.media!.closed).toEqual({ byAizuchi: true });
    expect(await snapshot(r, caseId)).toEqual(before);
    expect(await r.services.calls.callsForCase(caseId)).toHaveLength(1); // only the unanswered callback
  }, 240_000);

  it('the right reference from another number: no phone evidence, no agent, no reset under standard; a person takes the case', async () => {
    // The callback is an hour away, so the case waits in `scheduled`.
    const { rig: r, fake: f } = await boot({ AIZUCHI_CALLBACK_LEAD_SEC: '3600' });
    const { accountId, caseId } = await requestCallback(r, JA);
    const row = await r.services.cases.require(caseId);
    expect(row.state).toBe('scheduled');
    const call = await f.incoming({
      voiceUrl: voiceUrl(r),
      from: '+819011112222',
      to: INBOUND_JA,
      talk: async (stream) => {
        await askedThenQuiet(stream, 0);
        stream.press(row.reference!);
        await stream.closed;
      },
    });
    await call.ended;
    const after = await r.services.cases.require(caseId);
    expect(after.state).toBe('escalated');
    const needsPerson = (await r.services.cases.history(caseId)).find((e) => e.kind === 'call_in_needs_person');
    expect(JSON.parse(needsPerson!.data)).toMatchObject({ reason: 'phone_not_on_record', carrierCallId: call.sid });
    expect(await r.services.calls.callsForCase(caseId)).toHaveLength(0);
    const queued = await r.services.store.db
      .selectFrom('escalations')
      .select(['reason', 'closed_at'])
      .where('case_id', '=', caseId)
      .execute();
    expect(queued).toEqual([{ reason: 'phone_not_on_record', closed_at: null }]);
    expect(await r.services.identity.getAccount(accountId)).toMatchObject({ mfaEnabled: true });
    expect(f.calls).toHaveLength(0);
  }, 240_000);

  it('a forged or unsigned incoming-call webhook gets 403 and no stream', async () => {
    const { rig: r } = await boot();
    const params = {
      AccountSid: SID,
      CallSid: `CA${'a'.repeat(32)}`,
      From: ON_RECORD,
      To: INBOUND_JA,
      CallStatus: 'ringing',
      Direction: 'inbound',
    };
    const post = (signature: string | null) =>
      fetch(voiceUrl(r), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
        body: new URLSearchParams(params).toString(),
      });
    for (const signature of [null, twilio.getExpectedTwilioSignature('another-token', voiceUrl(r), params)]) {
      const res = await post(signature);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('<Stream');
    }
    // The same request signed with the account's token is answered with a stream (the check is what refused the others).
    const signed = await post(twilio.getExpectedTwilioSignature(TOKEN, voiceUrl(r), params));
    expect(signed.status).toBe(200);
    expect(await signed.text()).toContain('<Stream');
  }, 120_000);

  it('the process dies mid-identify: after a restart the case and its history are exactly as before the call', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-call-in-'));
    dirs.push(dir);
    // The restarted process keeps the database and its master key (a new key would be refused).
    const db = { AIZUCHI_DATABASE_URL: `sqlite:${path.join(dir, 'aizuchi.db')}`, AIZUCHI_DATA_DIR: dir };
    const { rig: r, fake: f } = await boot(db);
    const { caseId, reference } = await exhaustedCase(r);
    const before = await snapshot(r, caseId);
    let halfKeyed!: () => void;
    const keyed = new Promise<void>((resolve) => (halfKeyed = resolve));
    const call = await f.incoming({
      voiceUrl: voiceUrl(r),
      from: ON_RECORD,
      to: INBOUND_JA,
      talk: async (stream) => {
        await askedThenQuiet(stream, 0);
        stream.press(reference.slice(0, 3)); // half the reference keyed …
        halfKeyed();
        await stream.closed;
      },
    });
    await keyed;
    await r.dispose(); // … and the server goes away
    rig = null;
    await call.ended;
    const { rig: again } = await boot(db);
    expect(await snapshot(again, caseId)).toEqual(before);
    expect(await again.services.calls.callsForCase(caseId)).toHaveLength(1);
  }, 240_000);
});
