import { afterEach, describe, expect, it } from 'vitest';
import { type FakeTelnyx, startFakeTelnyx } from '../../src/telephony/telnyx/testing/fake-telnyx-server';
import { JA, LINES, type VendorCallRig, freePort, humanCallee, requestCallback, until, vendorCallRig } from './vendor-call-rig';

// Issue 8: the same done-when for Telnyx, through one call: a due callback with
// AIZUCHI_TELEPHONY=telnyx against the fake Telnyx (Call Control REST, Ed25519-signed webhooks,
// the bidirectional media stream with the token as stream_auth_token) ends mfa_reset in Japanese.

const API_KEY = 'KEY_done_when';

let rig: VendorCallRig | null = null;
let fake: FakeTelnyx | null = null;
afterEach(async () => {
  await fake?.close();
  await rig?.dispose();
  fake = null;
  rig = null;
}, 120_000);

describe('a due callback through the fake Telnyx', () => {
  it('rings the number on record, runs the call over the media stream, and ends mfa_reset (Japanese)', async () => {
    let finished!: (e: unknown) => void;
    const calleeDone = new Promise<unknown>((r) => (finished = r));
    let ids: { accountId: string; caseId: string } | null = null;
    fake = await startFakeTelnyx({
      apiKey: API_KEY,
      callee: () => ({
        kind: 'answer',
        amdResult: 'human',
        talk: humanCallee(
          JA,
          () => rig!,
          () => ids!.caseId,
          finished,
        ),
      }),
    });
    const f = fake;
    rig = await vendorCallRig(await freePort(), {
      AIZUCHI_TELEPHONY: 'telnyx',
      AIZUCHI_TELNYX_API_KEY: API_KEY,
      AIZUCHI_TELNYX_CONNECTION_ID: '1684641123236054244',
      AIZUCHI_TELNYX_FROM: '+815012345678',
      AIZUCHI_TELNYX_PUBLIC_KEY: f.publicKey,
      AIZUCHI_TELNYX_API_URL: f.apiUrl,
    });
    const r = rig;
    ids = await requestCallback(r, JA);
    const { accountId, caseId } = ids;

    await until('the Telnyx call', () => f.calls.length === 1);
    const call = f.calls[0]!;
    expect(call.body).toMatchObject({
      to: '+819012345678',
      from: '+815012345678',
      stream_url: `ws://127.0.0.1:${new URL(r.publicUrl).port}/telephony/media-stream`,
    });
    expect(await calleeDone).toBeNull();
    expect(await call.ended).toBe('normal_clearing');

    const [row] = await r.services.calls.callsForCase(caseId);
    expect(row!.call).toMatchObject({
      carrier: 'telnyx',
      carrier_call_id: call.callControlId,
      outcome: 'mfa_reset',
      proves_phone_possession: 1,
    });
    expect(await r.services.identity.getAccount(accountId)).toMatchObject({ mfaEnabled: false });
    // Every webhook was signed and accepted; the recognizer heard each turn.
    expect(call.webhooks.map((w) => w.eventType)).toEqual([
      'call.initiated',
      'call.answered',
      'call.machine.detection.ended',
      'call.hangup',
    ]);
    expect(call.webhooks.every((w) => w.status === 200)).toBe(true);
    expect(call.media!.marksEchoed.length).toBeGreaterThan(0);
    expect(r.transcription.requests.length).toBeGreaterThanOrEqual(LINES.ja.turns.length);
  }, 240_000);
});
