import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAudioChannel } from '../../src/calls/voice/testing/in-memory-channel';
import { concatFrames } from '../../src/media/frame';
import { rms } from '../../src/media/testing/signals';
import { machineMessageText } from '../../src/telephony/carrier';
import { CUSTOMER, type CarrierRig, VOICEMAIL_JA, calleeSays, carrierRig, eventData, requestCallback, until } from './carrier-rig';

// Issue 8: "a voicemail gets no personal details and a retry". The machine hears one short message
// (company name, we will call again, check your mail) synthesized by the real voice engines.

describe('answering machines on carrier calls', () => {
  let rig: CarrierRig | null = null;
  afterEach(async () => {
    await rig?.dispose();
    rig = null;
  });

  async function answered(r: CarrierRig) {
    const { caseId } = await requestCallback(r);
    await until(r, 'the call', () => r.fake.placed.length === 1);
    const placed = r.fake.lastPlaced();
    await r.fake.progress(placed.leg, { kind: 'answered' });
    const audio = new InMemoryAudioChannel({ kind: 'sip' });
    expect(await r.fake.answer(placed.leg, audio)).toMatchObject({ ok: true });
    return { caseId, audio, ...placed };
  }

  /** The machine heard the message, the leg was hung up, and the attempt ended abandoned (machine) with a retry booked and mailed. */
  async function expectMachineHandled(r: CarrierRig, caseId: string, audio: InMemoryAudioChannel, callId: string, source: string) {
    await until(r, 'the call to end', async () => (await r.services.calls.callsForCase(caseId))[0]?.call.state === 'ended', 30_000);
    expect(audio.closedReason).toBe('machine');
    expect(r.fake.hungUp.map((l) => l.carrierCallId)).toEqual([r.fake.lastPlaced().leg.carrierCallId]);
    // One spoken message, at least a second of real (non-silent) speech.
    const heard = concatFrames(audio.sent);
    expect(heard.length / 8000).toBeGreaterThan(1);
    expect(rms(heard)).toBeGreaterThan(300);
    expect(await eventData(r, caseId, 'call_machine')).toMatchObject({ callId, carrier: 'sip', source });
    expect(await eventData(r, caseId, 'call_ended')).toMatchObject({ callId, outcome: 'abandoned', detail: 'machine' });
    expect(await r.services.cases.require(caseId)).toMatchObject({ state: 'scheduled' });
    expect(await eventData(r, caseId, 'notification_queued')).toMatchObject({ template: 'call-rescheduled' });
    // Nobody talked to the agent: nothing the caller said is on record, no code was sent.
    const [call] = await r.services.calls.callsForCase(caseId);
    expect(call!.transcript.filter((line) => line.speaker === 'caller')).toEqual([]);
    expect(await eventData(r, caseId, 'code_sent')).toBeUndefined();
  }

  it('the message names the company only: no name, number, address or case detail (ja and en)', () => {
    for (const lang of ['ja', 'en'] as const) {
      const text = machineMessageText(lang, 'エーダブリューエス');
      expect(text).toContain('エーダブリューエス');
      for (const personal of [CUSTOMER.name, CUSTOMER.email, CUSTOMER.phone, '5678', 'MFA', '認証', 'password', 'パスワード']) {
        expect(text).not.toContain(personal);
      }
    }
    expect(machineMessageText('ja', 'X')).toMatch(/お電話/);
    expect(machineMessageText('en', 'X')).toMatch(/call you again/);
  });

  it('a long greeting is a machine (greeting heuristic): it hears the message, is hung up, and the case is retried', async () => {
    rig = await carrierRig();
    const r = rig;
    const { caseId, audio, request } = await answered(r);
    await calleeSays(r, audio, 'ja', VOICEMAIL_JA, 500);
    await expectMachineHandled(r, caseId, audio, request.callId, 'greeting_heuristic');
    expect(r.lines).toHaveLength(0);
  });

  it("the carrier's own detection before the media arrives: no gate, the message, the retry", async () => {
    rig = await carrierRig();
    const r = rig;
    const { caseId } = await requestCallback(r);
    await until(r, 'the call', () => r.fake.placed.length === 1);
    const { leg, request } = r.fake.lastPlaced();
    await r.fake.progress(leg, { kind: 'answered' });
    await r.fake.progress(leg, { kind: 'machine', source: 'carrier_amd' });
    const audio = new InMemoryAudioChannel({ kind: 'sip' });
    expect(await r.fake.answer(leg, audio)).toMatchObject({ ok: true });
    await expectMachineHandled(r, caseId, audio, request.callId, 'carrier_amd');
    expect(r.lines).toHaveLength(0);
  });

  it('with AIZUCHI_TELEPHONY_MACHINE_DETECTION=carrier the agent starts without listening first', async () => {
    rig = await carrierRig({ AIZUCHI_TELEPHONY_MACHINE_DETECTION: 'carrier' });
    const r = rig;
    await answered(r);
    // No callee audio at all: the gate would wait for it; here the agent line opens on the answer alone.
    await until(r, 'the agent line', () => r.lines.length === 1);
    await until(r, 'the agent to speak', () => r.lines[0]!.agentLines.length > 0);
  });

  it("the carrier's detection after the agent started: the agent is cut off, the machine hears the message", async () => {
    rig = await carrierRig();
    const r = rig;
    const { caseId, audio, leg, request } = await answered(r);
    await calleeSays(r, audio, 'ja', 'もしもし');
    await until(r, 'the agent line', () => r.lines.length === 1);
    await r.fake.progress(leg, { kind: 'machine', source: 'carrier_amd' });
    await expectMachineHandled(r, caseId, audio, request.callId, 'carrier_amd');
    expect(r.lines[0]!.closed).toBe(true);
    expect(r.lines[0]!.outcome).toBeNull();
  });
});
