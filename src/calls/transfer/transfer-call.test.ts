import { describe, expect, it } from 'vitest';
import { concatSamples } from '../../media/frame';
import { rms, sine } from '../../media/testing/signals';
import { decodePcm16le, encodePcm16le } from '../../telephony/softphone/protocol';
import { createSoftphoneChannel } from '../../telephony/softphone/softphone-channel';
import { FakeSoftphoneSocket } from '../../telephony/softphone/testing-socket';
import { InMemoryAudioChannel } from '../voice/testing/in-memory-channel';
import { ManualFrameClock } from '../voice/testing/manual-frame-clock';
import { OperatorDesk, type TransferOffer } from './operator-desk';
import { type TransferDeps, transferCall } from './transfer-call';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

const offer: TransferOffer = {
  callId: 'call-1',
  caseId: 'case-1',
  lang: 'ja',
  customer: 'm***@gmail.com',
  reason: 'caller_request',
  summary: 'Right party confirmed; email not yet checked.',
  lines: [{ speaker: 'caller', text: '担当者をお願いします', at: '2026-12-01T01:00:00Z' }],
};

function rig() {
  const timers = { now: () => 0, setTimer: () => 0, clearTimer: () => undefined };
  const desk = new OperatorDesk(timers);
  const clock = new ManualFrameClock();
  const events: Array<[string, Record<string, unknown>]> = [];
  const queued: string[] = [];
  const said: string[] = [];
  const deps: TransferDeps = {
    desk,
    clock,
    record: async (kind, data) => void events.push([kind, data]),
    queue: async (reason) => {
      queued.push(reason);
      return { callbackAt: new Date('2026-12-01T05:00:00Z') };
    },
    say: async (text) => void said.push(text),
    speakTime: () => '14時',
  };
  const caller = new InMemoryAudioChannel({ sampleRateHz: 8000 });
  const operator = () => {
    const page = new FakeSoftphoneSocket();
    desk.join('op-1', createSoftphoneChannel(page));
    return page;
  };
  return { desk, clock, deps, events, queued, said, caller, operator };
}

describe('transferCall', () => {
  it('holds the caller with audio, then bridges them to the operator who accepts; events say who took it', async () => {
    const r = rig();
    const page = r.operator();
    const pending = transferCall(r.caller, offer, r.deps);
    await flush();
    r.clock.tick(50); // one second on hold
    expect(r.caller.sent).toHaveLength(50);
    expect(rms(concatSamples(r.caller.sent.map((f) => f.samples)))).toBeGreaterThan(500);
    expect(page.json().find((m) => m.type === 'transfer_offer')).toMatchObject({
      caseId: 'case-1',
      summary: offer.summary,
      lines: offer.lines,
    });
    page.receive({ type: 'answer' });
    const result = await pending;
    expect(result.connected).toBe(true);
    if (!result.connected) return;
    r.clock.tick(10);
    expect(r.caller.sent).toHaveLength(50); // hold stopped at accept

    r.caller.receiveFrame({ samples: sine(1000, 8000, 8000, 160), sampleRateHz: 8000 });
    expect(page.binary().length).toBeGreaterThan(0);
    expect(rms(decodePcm16le(page.binary().at(-1)!))).toBeGreaterThan(1000);
    page.receive(encodePcm16le(sine(440, 8000, 16000, 320)), true);
    expect(r.caller.sent).toHaveLength(51);

    r.caller.hangUp();
    await expect(result.done).resolves.toMatchObject({ by: 'caller' });
    expect(page.closedWith?.reason).toBe('caller_hangup');
    expect(r.events.map(([k]) => k)).toEqual(['transfer_offered', 'transfer_answer', 'transfer_connected', 'transfer_ended']);
    expect(r.events[1]![1]).toMatchObject({ operatorId: 'op-1', result: 'accepted' });
    expect(r.events[3]![1]).toMatchObject({ operatorId: 'op-1', by: 'caller', callerToOperator: 1, operatorToCaller: 1 });
    expect(r.queued).toEqual([]);
  });

  it('nobody available: the case is queued and the caller told, in their language, when a person will call', async () => {
    const r = rig();
    const result = await transferCall(r.caller, { ...offer, lang: 'en' }, { ...r.deps, speakTime: () => '2 pm' });
    expect(result).toEqual({ connected: false, reason: 'nobody_available', attempts: [] });
    expect(r.queued).toEqual(['nobody_available']);
    expect(r.said).toEqual([expect.stringContaining('call you back around 2 pm')]);
    expect(r.caller.closedReason).toBe('transfer_fallback');
    expect(r.events.at(-1)).toEqual([
      'transfer_fallback',
      { callId: 'call-1', reason: 'nobody_available', callbackAt: '2026-12-01T05:00:00.000Z' },
    ]);
  });

  it('the operator declines: queued as nobody_accepted, caller told in Japanese', async () => {
    const r = rig();
    const page = r.operator();
    const pending = transferCall(r.caller, offer, r.deps);
    await flush();
    page.receive({ type: 'decline' });
    expect(await pending).toMatchObject({ connected: false, reason: 'nobody_accepted' });
    expect(r.said[0]).toContain('14時ごろに担当者からお電話いたします');
  });

  it('the operator disconnects mid-call: the caller is told, the case queued, the line closed', async () => {
    const r = rig();
    const page = r.operator();
    const pending = transferCall(r.caller, offer, r.deps);
    await flush();
    page.receive({ type: 'answer' });
    const result = await pending;
    if (!result.connected) throw new Error('not connected');
    page.drop();
    await expect(result.done).resolves.toMatchObject({ by: 'operator', lost: true });
    expect(r.queued).toEqual(['operator_lost']);
    expect(r.said[0]).toContain('担当者との通話が途切れました');
    expect(r.caller.closedReason).toBe('transfer_fallback');
  });

  it('the caller hangs up on hold: the offer is withdrawn and the case still queued', async () => {
    const r = rig();
    const page = r.operator();
    const pending = transferCall(r.caller, offer, r.deps);
    await flush();
    r.caller.hangUp();
    expect(await pending).toMatchObject({ connected: false, reason: 'caller_left' });
    expect(page.json()).toContainEqual({ type: 'offer_withdrawn', callId: 'call-1', reason: 'caller_left' });
    expect(r.queued).toEqual(['caller_left']);
    expect(r.said).toEqual([]);
  });
});
