import { describe, expect, it } from 'vitest';
import type { AudioChannel } from '../../src/channels/audio-channel';
import type { CallChannel } from '../../src/channels/call-channel';
import type { CarrierLeg } from '../../src/channels/carrier';
import { type CallInDeps, createCallIn } from '../../src/calls/call-in/call-in-service';
import { policyPreset } from '../../src/domain/policy';
import { createLogger } from '../../src/observability/logger';

/**
 * Issue 8 (Safety): the call-in ring token sits in the TwiML answer as a `<Parameter>`, so it is in
 * the carrier's request logs; what keeps a reader of those logs off the caller's line is that the
 * token is bound to the CallSid it was issued for. The media-stream endpoint names no leg for
 * Plivo, Exotel or Vonage framing, nor for a Twilio `start` without a callSid (legOf → null), so a
 * stream that simply spoke another vendor's framing skipped the binding and took the call.
 * Kind: a call-bound secret accepted from a stream that does not prove which call it carries.
 * A token bound to a call is spent only by a stream naming exactly that call.
 */
const LEG: CarrierLeg = { carrier: 'twilio', carrierCallId: `CA${'d'.repeat(32)}` };

function callIn() {
  const opened: string[] = [];
  const hungUp: CallChannel = {
    onInput: () => undefined,
    onClose: (l) => void l(),
    agentSays: () => undefined,
    listening: () => undefined,
    end: () => undefined,
    close: () => undefined,
  };
  // Only the token path runs: the line hangs up at once, so no case, store or limiter is reached.
  const deps = {
    store: {},
    cases: {},
    calls: {},
    identity: {},
    limiter: {},
    tokenKey: Buffer.alloc(32, 9),
    clock: { now: () => new Date('2026-12-01T01:00:00Z') },
    policy: policyPreset('standard'),
    inboundNumbers: { default: '+815012340000' },
    companyName: 'Example',
    openLine: async ({ callId }: { callId: string }) => (opened.push(callId), hungUp),
    logger: createLogger('silent'),
  } as unknown as CallInDeps;
  return { service: createCallIn(deps), opened };
}

const audio = { close: () => undefined } as unknown as AudioChannel;
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('a call-in stream token from a stream that names no call', () => {
  it('is refused, each time, when the stream names no leg (Plivo, Exotel, Vonage framing or no callSid), and no line opens', async () => {
    const { service, opened } = callIn();
    for (let tries = 0; tries < 2; tries++) {
      const { token } = (await service.incoming.ring({ leg: LEG, from: '+819012345678', to: '+815012340000' }))!;
      expect(await service.answered(token, audio, null)).toEqual({ ok: false, reason: 'unknown' });
      // Spent by the try: the real stream arriving later cannot be raced twice either.
      expect(service.owns(token)).toBe(false);
    }
    await settle();
    expect(opened).toEqual([]);
  });

  it('is refused from another carrier naming the same call id', async () => {
    const { service, opened } = callIn();
    const { token } = (await service.incoming.ring({ leg: LEG, from: null, to: '+815012340000' }))!;
    expect(await service.answered(token, audio, { carrier: 'telnyx', carrierCallId: LEG.carrierCallId })).toEqual({
      ok: false,
      reason: 'unknown',
    });
    await settle();
    expect(opened).toEqual([]);
  });

  it('still opens the line for the stream of the call it was issued to', async () => {
    const { service, opened } = callIn();
    const { token } = (await service.incoming.ring({ leg: LEG, from: null, to: '+815012340000' }))!;
    expect(await service.answered(token, audio, { ...LEG })).toMatchObject({ ok: true });
    await settle();
    expect(opened).toHaveLength(1);
  });
});
