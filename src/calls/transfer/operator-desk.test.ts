import { describe, expect, it } from 'vitest';
import type { TimerPort } from '../../domain/clock';
import { createSoftphoneChannel } from '../../telephony/softphone/softphone-channel';
import { FakeSoftphoneSocket } from '../../telephony/softphone/testing-socket';
import { OperatorDesk, type TransferOffer } from './operator-desk';

/** Timers that run only when the test says so. */
class ManualTimers implements TimerPort {
  private at = 0;
  private next = 1;
  private readonly timers = new Map<number, { at: number; cb: () => void }>();
  now(): number {
    return this.at;
  }
  setTimer(ms: number, cb: () => void): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.at + ms, cb });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    this.at += ms;
    for (const [id, t] of [...this.timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at > this.at) continue;
      this.timers.delete(id);
      t.cb();
    }
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
};

const offer: TransferOffer = {
  callId: 'call-1',
  caseId: 'case-1',
  lang: 'ja',
  customer: 'm***@gmail.com',
  reason: 'caller_request',
  summary: 'Right party confirmed; email not yet checked; no code sent.',
  lines: [{ speaker: 'caller', text: '担当者と話したいです', at: '2026-12-01T01:00:00Z' }],
};

function console_(desk: OperatorDesk, operatorId: string) {
  const page = new FakeSoftphoneSocket();
  desk.join(operatorId, createSoftphoneChannel(page));
  const offers = () => page.json().filter((m) => m.type === 'transfer_offer');
  return { page, offers };
}

describe('OperatorDesk', () => {
  it('rings the longest-idle operator first with the case, summary and transcript; accept takes them off the desk', async () => {
    const timers = new ManualTimers();
    const desk = new OperatorDesk(timers);
    const a = console_(desk, 'op-a');
    const b = console_(desk, 'op-b');
    expect(desk.availableCount()).toBe(2);
    const pending = desk.offer(offer, { ringMs: 20_000 });
    await flush();
    expect(a.offers()).toEqual([{ type: 'transfer_offer', ...offer, ringMs: 20_000 }]);
    expect(b.offers()).toEqual([]);
    timers.advance(3_000);
    a.page.receive({ type: 'answer' });
    const result = await pending;
    expect(result.taken?.operatorId).toBe('op-a');
    expect(result.attempts).toEqual([{ operatorId: 'op-a', result: 'accepted', at: 3_000 }]);
    expect(a.page.json()).toContainEqual({ type: 'transfer_connected', callId: 'call-1' });
    expect(desk.availableCount()).toBe(1);
  });

  it('a take-over rings only the operator who asked (issue 10): the longest idle is skipped, and nobody else is tried', async () => {
    const timers = new ManualTimers();
    const desk = new OperatorDesk(timers);
    const a = console_(desk, 'op-a');
    const b = console_(desk, 'op-b');
    expect(desk.isAvailable('op-b')).toBe(true);
    expect(desk.isAvailable('op-z')).toBe(false);
    const pending = desk.offer(offer, { ringMs: 20_000, only: 'op-b' });
    await flush();
    expect(a.offers()).toEqual([]);
    expect(b.offers()).toHaveLength(1);
    b.page.receive({ type: 'decline' });
    const result = await pending;
    expect(result.taken).toBeNull();
    expect(result.attempts.map((x) => x.operatorId)).toEqual(['op-b']);
    expect(a.offers()).toEqual([]);
  });

  it('a decline or no answer moves on to the next operator; everyone saying no resolves with nobody', async () => {
    const timers = new ManualTimers();
    const desk = new OperatorDesk(timers);
    const a = console_(desk, 'op-a');
    const b = console_(desk, 'op-b');
    const pending = desk.offer(offer, { ringMs: 20_000 });
    await flush();
    a.page.receive({ type: 'decline' });
    await flush();
    expect(b.offers()).toHaveLength(1);
    timers.advance(20_000);
    const result = await pending;
    expect(result.taken).toBeNull();
    expect(result.attempts.map((x) => [x.operatorId, x.result])).toEqual([
      ['op-a', 'declined'],
      ['op-b', 'timeout'],
    ]);
    expect(b.page.json()).toContainEqual({ type: 'offer_withdrawn', callId: 'call-1', reason: 'timeout' });
    // Both stay available, each sent to the back as their ring ended: op-a (declined first) is at the front again.
    expect(desk.availableCount()).toBe(2);
    const next = desk.offer({ ...offer, callId: 'call-2' });
    await flush();
    expect(a.offers().filter((o) => o.callId === 'call-2')).toHaveLength(1);
    a.page.receive({ type: 'answer' });
    expect((await next).taken?.operatorId).toBe('op-a');
  });

  it('an operator whose console closes while ringing is skipped and off the desk', async () => {
    const desk = new OperatorDesk(new ManualTimers());
    const a = console_(desk, 'op-a');
    const b = console_(desk, 'op-b');
    const pending = desk.offer(offer);
    await flush();
    a.page.drop();
    await flush();
    b.page.receive({ type: 'answer' });
    const result = await pending;
    expect(result.attempts.map((x) => x.result)).toEqual(['gone', 'accepted']);
    expect(result.taken?.operatorId).toBe('op-b');
    expect(desk.availableCount()).toBe(0);
  });

  it('nobody on the desk: resolves at once with nobody', async () => {
    const desk = new OperatorDesk(new ManualTimers());
    await expect(desk.offer(offer)).resolves.toEqual({ taken: null, attempts: [] });
  });

  it('the caller leaving (abort) withdraws the ringing offer', async () => {
    const desk = new OperatorDesk(new ManualTimers());
    const a = console_(desk, 'op-a');
    const abort = new AbortController();
    const pending = desk.offer(offer, { signal: abort.signal });
    await flush();
    abort.abort();
    const result = await pending;
    expect(result.taken).toBeNull();
    expect(result.attempts.map((x) => x.result)).toEqual(['cancelled']);
    expect(a.page.json()).toContainEqual({ type: 'offer_withdrawn', callId: 'call-1', reason: 'caller_left' });
    expect(desk.availableCount()).toBe(1);
  });

  it('a second console for the same operator replaces the first', () => {
    const desk = new OperatorDesk(new ManualTimers());
    const first = console_(desk, 'op-a');
    console_(desk, 'op-a');
    expect(first.page.closedWith?.reason).toBe('replaced');
    expect(desk.availableCount()).toBe(1);
  });
});
