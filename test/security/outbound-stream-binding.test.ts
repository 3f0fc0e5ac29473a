import { afterEach, describe, expect, it } from 'vitest';
import { InMemoryAudioChannel } from '../../src/calls/voice/testing/in-memory-channel';
import type { CarrierEvents } from '../../src/channels/carrier';
import { type CarrierRig, carrierRig, requestCallback, until } from '../telephony/carrier-rig';

/**
 * Issue 8 (Safety), the outbound half of stream-token-binding.test.ts: a dialled call's media token
 * rides in the carrier's call request (a `<Parameter>`, Telnyx stream params), so a reader of the
 * carrier's logs holds it. Kind: a call-bound secret accepted from media that does not name that
 * call. The token opens the call only for media naming the leg the carrier returned, and a refused
 * try does not spend it, so the real answer still gets through.
 */
describe('an outbound call media token from media that names another call, or none', () => {
  let rig: CarrierRig | null = null;
  afterEach(async () => {
    await rig?.dispose();
    rig = null;
  });

  it('is refused without being spent; the leg the carrier returned then connects', async () => {
    rig = await carrierRig();
    const r = rig;
    const { caseId } = await requestCallback(r);
    await until(r, 'the carrier call', () => r.fake.placed.length === 1);
    const { request, leg } = r.fake.lastPlaced();
    const events = r.services.telephony!.events as CarrierEvents;

    for (const other of [
      null,
      { ...leg, carrierCallId: `${leg.carrierCallId}-other` },
      { carrier: 'twilio' as const, carrierCallId: leg.carrierCallId },
    ]) {
      expect(await events.answered(request.mediaToken, new InMemoryAudioChannel(), other)).toEqual({ ok: false, reason: 'unknown' });
    }
    const [pending] = await r.services.calls.callsForCase(caseId);
    expect(pending!.call.state).toBe('pending');
    expect(r.lines).toHaveLength(0);

    expect(await r.fake.answer(leg, new InMemoryAudioChannel({ kind: 'sip' }))).toEqual({ ok: true, callId: request.callId });
  });

  it('media that beats the write of the leg id waits for it, then connects', async () => {
    rig = await carrierRig();
    const r = rig;
    const events = r.services.telephony!.events as CarrierEvents;
    let early: ReturnType<CarrierEvents['answered']> | null = null;
    // The fake names its first leg `fake-sip-1`; the answer arrives before place() has even returned.
    r.fake.beforePlace = (req) => {
      early = events.answered(req.mediaToken, new InMemoryAudioChannel({ kind: 'sip' }), { carrier: 'sip', carrierCallId: 'fake-sip-1' });
    };
    await requestCallback(r);
    await until(r, 'the carrier call', () => r.fake.placed.length === 1);
    expect(r.fake.lastPlaced().leg.carrierCallId).toBe('fake-sip-1');
    expect(await early!).toEqual({ ok: true, callId: r.fake.lastPlaced().request.callId });
  });
});
