import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeTelnyx, startFakeTelnyx } from '../../src/telephony/telnyx/testing/fake-telnyx-server';
import { type FakeTwilio, startFakeTwilio } from '../../src/telephony/twilio/testing/fake-twilio-server';
import { JA, type VendorCallRig, freePort, requestCallback, until, vendorCallRig } from './vendor-call-rig';

// Issue 8, security: forged, unsigned, replayed and other-URL webhooks against a live call are
// refused with 403 and the call's state does not move; the genuine ones move it.

let rig: VendorCallRig | null = null;
let twilioFake: FakeTwilio | null = null;
let telnyxFake: FakeTelnyx | null = null;
afterEach(async () => {
  await twilioFake?.close();
  await telnyxFake?.close();
  await rig?.dispose();
  rig = null;
  twilioFake = null;
  telnyxFake = null;
}, 60_000);

async function progressOf(r: VendorCallRig, caseId: string) {
  const [row] = await r.services.calls.callsForCase(caseId);
  return { progress: row!.call.carrier_progress, state: row!.call.state, outcome: row!.call.outcome };
}

describe('forged carrier webhooks against a live call', () => {
  it('twilio: unsigned, wrong-token and loopback-URL signatures get 403 and change nothing; the signed one counts', async () => {
    const SID = `AC${'5'.repeat(32)}`;
    const TOKEN = 'forgery-test-token';
    twilioFake = await startFakeTwilio({ accountSid: SID, authToken: TOKEN, callee: () => ({ kind: 'hold' }) });
    const f = twilioFake;
    rig = await vendorCallRig(await freePort(), {
      AIZUCHI_TELEPHONY: 'twilio',
      AIZUCHI_TWILIO_ACCOUNT_SID: SID,
      AIZUCHI_TWILIO_AUTH_TOKEN: TOKEN,
      AIZUCHI_TWILIO_FROM: '+815012345678',
      AIZUCHI_TWILIO_API_URL: f.apiUrl,
    });
    const r = rig;
    const { caseId } = await requestCallback(r, JA);
    await until('the Twilio call', () => f.calls.length === 1);
    const sid = f.calls[0]!.sid;
    await until('the leg id on the call', async () => (await r.services.calls.callsForCase(caseId))[0]?.call.carrier_call_id === sid);
    const url = `${r.publicUrl}/telephony/twilio/status`;
    const post = (params: Record<string, string>, signature?: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
        body: new URLSearchParams(params).toString(),
      }).then((res) => res.status);

    const ringing = { AccountSid: SID, CallSid: sid, CallStatus: 'ringing', SequenceNumber: '1' };
    expect(await post(ringing, twilio.getExpectedTwilioSignature(TOKEN, url, ringing))).toBe(204);
    const before = await progressOf(r, caseId);
    expect(before.progress).toBe('ringing');

    const completed = { AccountSid: SID, CallSid: sid, CallStatus: 'completed', SequenceNumber: '2' };
    const loopback = url.replace('127.0.0.1', 'localhost');
    expect(await post(completed)).toBe(403);
    expect(await post(completed, twilio.getExpectedTwilioSignature('not-the-token', url, completed))).toBe(403);
    expect(await post(completed, twilio.getExpectedTwilioSignature(TOKEN, loopback, completed))).toBe(403);
    expect(await post({ ...completed, CallStatus: 'busy' }, twilio.getExpectedTwilioSignature(TOKEN, url, completed))).toBe(403);
    expect(await progressOf(r, caseId)).toEqual(before);
  }, 120_000);

  it('telnyx: unsigned, other-key and replayed (> 5 min) webhooks get 403 and change nothing; the signed one counts', async () => {
    const API_KEY = 'KEY_forgery';
    telnyxFake = await startFakeTelnyx({ apiKey: API_KEY, callee: () => ({ kind: 'hold' }) });
    const f = telnyxFake;
    rig = await vendorCallRig(await freePort(), {
      AIZUCHI_TELEPHONY: 'telnyx',
      AIZUCHI_TELNYX_API_KEY: API_KEY,
      AIZUCHI_TELNYX_CONNECTION_ID: 'conn-1',
      AIZUCHI_TELNYX_FROM: '+815012345678',
      AIZUCHI_TELNYX_PUBLIC_KEY: f.publicKey,
      AIZUCHI_TELNYX_API_URL: f.apiUrl,
    });
    const r = rig;
    const { caseId } = await requestCallback(r, JA);
    await until('the Telnyx call', () => f.calls.length === 1);
    const id = f.calls[0]!.callControlId;
    await until('the leg id on the call', async () => (await r.services.calls.callsForCase(caseId))[0]?.call.carrier_call_id === id);
    const url = `${r.publicUrl}/telephony/telnyx/webhook`;
    const event = (type: string, extra: Record<string, string> = {}) =>
      JSON.stringify({ data: { record_type: 'event', event_type: type, id: type, payload: { call_control_id: id, ...extra } } });
    const post = (body: string, headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then((res) => res.status);

    const initiated = event('call.initiated');
    expect(await post(initiated, f.signatureFor(initiated))).toBe(200);
    const before = await progressOf(r, caseId);
    expect(before.progress).toBe('initiated');

    const hangup = event('call.hangup', { hangup_cause: 'user_busy', sip_hangup_cause: '486' });
    const other = await startFakeTelnyx({ apiKey: 'x' });
    const foreign = other.signatureFor(hangup);
    await other.close();
    expect(await post(hangup, {})).toBe(403);
    expect(await post(hangup, foreign)).toBe(403);
    expect(await post(hangup, f.signatureFor(hangup, Math.floor(Date.now() / 1000) - 301))).toBe(403);
    expect(await progressOf(r, caseId)).toEqual(before);
  }, 120_000);
});
