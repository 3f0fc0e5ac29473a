import { describe, expect, it } from 'vitest';
import type { AudioChannel } from '../../channels/audio-channel';
import type { CallChannel } from '../../channels/call-channel';
import type { CarrierLeg } from '../../channels/carrier';
import { policyPreset } from '../../domain/policy';
import { createLogger } from '../../observability/logger';
import { type CallInDeps, callInLang, createCallIn } from './call-in-service';

const LEG: CarrierLeg = { carrier: 'twilio', carrierCallId: `CA${'b'.repeat(32)}` };

/** Only the token path runs here: the line hangs up at once, so no case, limiter or store is touched. */
function callIn(now: { ms: number }) {
  const lines: string[] = [];
  const hungUpLine: CallChannel = {
    onInput: () => undefined,
    onClose: (l) => void l(),
    agentSays: () => undefined,
    listening: () => undefined,
    end: () => undefined,
    close: () => undefined,
  };
  const deps = {
    store: {},
    cases: {},
    calls: {},
    identity: {},
    limiter: {},
    tokenKey: Buffer.alloc(32, 7),
    clock: { now: () => new Date(now.ms) },
    policy: policyPreset('standard'),
    inboundNumbers: { default: '+815012340000', en: '+12025550199' },
    companyName: 'Example',
    openLine: async ({ callId }: { callId: string }) => (lines.push(callId), hungUpLine),
    logger: createLogger('silent'),
  } as unknown as CallInDeps;
  return { service: createCallIn(deps), lines };
}

const audio = { close: () => undefined } as unknown as AudioChannel;

describe('call-in tokens (issue 8 §5)', () => {
  it('a ring token opens one stream, for the call it was issued to, within its minute', async () => {
    const now = { ms: Date.parse('2026-12-01T00:00:00Z') };
    const { service, lines } = callIn(now);
    const { token } = (await service.incoming.ring({ leg: LEG, from: '+819012345678', to: '+815012340000' }))!;
    expect(service.owns(token)).toBe(true);
    // A stream naming another CallSid does not get it, and the token is spent by the try.
    expect(await service.answered(token, audio, { carrier: 'twilio', carrierCallId: `CA${'c'.repeat(32)}` })).toEqual({
      ok: false,
      reason: 'unknown',
    });
    expect(await service.answered(token, audio, LEG)).toEqual({ ok: false, reason: 'unknown' });

    const second = (await service.incoming.ring({ leg: LEG, from: null, to: '+815012340000' }))!;
    expect(await service.answered(second.token, audio, LEG)).toMatchObject({ ok: true });
    expect(await service.answered(second.token, audio, LEG)).toEqual({ ok: false, reason: 'unknown' }); // single use
    await new Promise((r) => setTimeout(r, 0));
    expect(lines).toHaveLength(1);

    const late = (await service.incoming.ring({ leg: LEG, from: null, to: '+815012340000' }))!;
    now.ms += 60_001;
    expect(await service.answered(late.token, audio, LEG)).toEqual({ ok: false, reason: 'unknown' });
    expect(service.owns('never-issued')).toBe(false);
  });

  it('the dialled number picks the language: the _EN number is English, any other Japanese', () => {
    const numbers = { default: '+815012340000', ja: '+815012340001', en: '+12025550199' };
    expect(callInLang('+12025550199', numbers)).toBe('en');
    expect(callInLang('+815012340001', numbers)).toBe('ja');
    expect(callInLang('+815012340000', numbers)).toBe('ja');
  });
});
