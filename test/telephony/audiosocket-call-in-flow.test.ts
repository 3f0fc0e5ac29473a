import { afterEach, describe, expect, it } from 'vitest';
import { connectAudioSocket } from '../../src/telephony/audiosocket/testing/audiosocket-client';
import { rms } from '../../src/media/testing/signals';
import { JA, type VendorCallRig, freePort, requestCallback, until, vendorCallRig } from './vendor-call-rig';

// Issue 8 §4/§5: with call-in configured (AIZUCHI_INBOUND_NUMBER*), an Asterisk AudioSocket call
// runs the call-in flow. AudioSocket carries no caller number, so the right case reference keyed
// over it (0x03 digit frames) matches the case but proves nothing about the phone: under the
// default (standard) policy a person takes the case, and no agent call starts.

const UUID = '0b7e4f2a-9c1d-4e3b-8a6f-2d5c7e9a1b3c';

let rig: VendorCallRig | null = null;
afterEach(async () => {
  await rig?.dispose();
  rig = null;
}, 120_000);

describe('an AudioSocket call with call-in configured', () => {
  it('is asked for the reference, keys it as digit frames, and the case goes to a person (no phone evidence)', async () => {
    rig = await vendorCallRig(await freePort(), {
      AIZUCHI_AUDIOSOCKET_LISTEN: '127.0.0.1:0',
      AIZUCHI_INBOUND_NUMBER_JA: '+815012340000',
      // The callback is an hour away, so the case waits in `scheduled`.
      AIZUCHI_CALLBACK_LEAD_SEC: '3600',
    });
    const r = rig;
    const { caseId } = await requestCallback(r, JA);
    const row = await r.services.cases.require(caseId);
    expect(row.state).toBe('scheduled');

    const asterisk = await connectAudioSocket(r.services.audioSocket!.address()!.port);
    asterisk.sendUuid(UUID);
    const line = setInterval(() => asterisk.sendAudio(new Int16Array(160)), 20);
    try {
      // The identify question: voiced audio, then quiet while it waits for the reference.
      let seen = 0;
      let voiced = 0;
      let lastVoiced = 0;
      await until(
        'the identify question',
        () => {
          const frames = asterisk.received.filter((m) => m.kind === 'audio');
          for (; seen < frames.length; seen++) {
            const f = frames[seen]!;
            if (f.kind === 'audio' && rms(f.samples) > 300) {
              voiced++;
              lastVoiced = Date.now();
            }
          }
          return voiced > 25 && Date.now() - lastVoiced > 800;
        },
        90_000,
      );
      for (const digit of row.reference!) asterisk.sendDtmf(digit);
      await asterisk.closed;
    } finally {
      clearInterval(line);
    }
    expect(asterisk.received.at(-1)).toEqual({ kind: 'hangup' });
    const after = await r.services.cases.require(caseId);
    expect(after.state).toBe('escalated');
    const needsPerson = (await r.services.cases.history(caseId)).find((e) => e.kind === 'call_in_needs_person');
    expect(JSON.parse(needsPerson!.data)).toMatchObject({ reason: 'phone_not_on_record', carrier: 'audiosocket', carrierCallId: UUID });
    expect(await r.services.calls.callsForCase(caseId)).toHaveLength(0);
  }, 240_000);
});
