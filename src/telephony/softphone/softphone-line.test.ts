import { describe, expect, it } from 'vitest';
import type { UnansweredOutcome } from './ring-state';
import type { SoftphoneCallPort } from './softphone-calls';
import { createSoftphoneChannel } from './softphone-channel';
import type { TimerPort } from '../../domain/clock';
import { openSoftphoneLine } from './softphone-line';
import { FakeSoftphoneSocket } from './testing-socket';

class ManualTimers implements TimerPort {
  private at = 0;
  now(): number {
    return this.at;
  }
  private timers = new Map<number, { at: number; cb: () => void }>();
  private next = 1;
  setTimer(ms: number, cb: () => void): unknown {
    const id = this.next++;
    this.timers.set(id, { at: this.at + ms, cb });
    return id;
  }
  clearTimer(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  async advance(ms: number): Promise<void> {
    const until = this.at + ms;
    await settle();
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.at = due[1].at;
      due[1].cb();
      await settle();
    }
    this.at = until;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function fakeCalls() {
  const state = { offered: null as string | null, claimable: true, ended: [] as Array<[string, UnansweredOutcome]>, claims: 0 };
  const port: SoftphoneCallPort = {
    findOffered: async () => (state.offered ? { callId: state.offered } : null),
    claim: async () => {
      state.claims++;
      const ok = state.claimable && state.offered !== null;
      state.offered = null;
      return ok;
    },
    endUnanswered: async (callId, _caseId, outcome) => {
      state.ended.push([callId, outcome]);
      state.offered = null;
      return { nextCallAt: '2026-12-01T01:30:00.000Z' };
    },
  };
  return { state, port };
}

function setup() {
  const socket = new FakeSoftphoneSocket();
  const channel = createSoftphoneChannel(socket);
  const timers = new ManualTimers();
  const calls = fakeCalls();
  const sessions: string[] = [];
  const line = openSoftphoneLine({
    caseId: 'case-1',
    channel,
    calls: calls.port,
    startSession: ({ callId }) => void sessions.push(callId),
    ringTimeoutMs: 30_000,
    pollIntervalMs: 1000,
    timers,
  });
  const types = () => socket.json().map((m) => m.type);
  return { socket, channel, timers, calls, sessions, line, types };
}

describe('softphone line', () => {
  it('rings when a call is placed, connects on answer and starts the session once', async () => {
    const t = setup();
    await t.timers.advance(2000);
    expect(t.line.state()).toBe('idle');
    t.calls.state.offered = 'call-1';
    await t.timers.advance(1000);
    expect(t.line.state()).toBe('ringing');
    t.socket.receive({ type: 'answer' });
    await settle();
    expect(t.line.state()).toBe('in_call');
    expect(t.types()).toEqual(['ringing', 'connected']);
    expect(t.sessions).toEqual(['call-1']);
    expect(t.calls.state.claims).toBe(1);
  });

  it('rings at once when poked, without waiting for the next poll', async () => {
    const t = setup();
    await settle();
    t.calls.state.offered = 'call-2';
    t.line.poke();
    await settle();
    expect(t.line.state()).toBe('ringing');
  });

  it('gives up after the ring timeout and waits for the next attempt', async () => {
    const t = setup();
    t.calls.state.offered = 'call-1';
    await t.timers.advance(1000);
    await t.timers.advance(30_000);
    expect(t.calls.state.ended).toEqual([['call-1', 'no_answer']]);
    expect(t.line.state()).toBe('idle');
    // The retry's new time follows the end, so the page can say when we call again.
    expect(t.types()).toEqual(['ringing', 'call_ended', 'rescheduled']);
    t.calls.state.offered = 'call-2';
    await t.timers.advance(1000);
    expect(t.line.state()).toBe('ringing');
  });

  it('ends a declined call as declined', async () => {
    const t = setup();
    t.calls.state.offered = 'call-1';
    await t.timers.advance(1000);
    t.socket.receive({ type: 'decline' });
    await settle();
    expect(t.calls.state.ended).toEqual([['call-1', 'declined']]);
    // The page hears it was declined, then the new time the retry booked.
    expect(t.socket.json().slice(-2)).toEqual([
      { type: 'call_ended', reason: 'declined' },
      { type: 'rescheduled', reason: 'declined', at: '2026-12-01T01:30:00.000Z' },
    ]);
  });

  it('stops ringing when another tab answered', async () => {
    const t = setup();
    t.calls.state.offered = 'call-1';
    await t.timers.advance(1000);
    t.calls.state.offered = null;
    await t.timers.advance(1000);
    expect(t.line.state()).toBe('idle');
    expect(t.types()).toEqual(['ringing', 'call_ended']);
  });

  it('does not start a session when the claim is lost', async () => {
    const t = setup();
    t.calls.state.offered = 'call-1';
    t.calls.state.claimable = false;
    await t.timers.advance(1000);
    t.socket.receive({ type: 'answer' });
    await settle();
    expect(t.sessions).toEqual([]);
    expect(t.line.state()).toBe('idle');
  });

  it('abandons a ringing call when the page goes away and stops polling', async () => {
    const t = setup();
    t.calls.state.offered = 'call-1';
    await t.timers.advance(1000);
    t.socket.drop();
    await t.line.closed();
    expect(t.calls.state.ended).toEqual([['call-1', 'abandoned']]);
    t.calls.state.offered = 'call-9';
    await t.timers.advance(10_000);
    expect(t.line.state()).toBe('closed');
  });

  it('closes the channel when the session cannot start', async () => {
    const socket = new FakeSoftphoneSocket();
    const channel = createSoftphoneChannel(socket);
    const calls = fakeCalls();
    calls.state.offered = 'call-1';
    openSoftphoneLine({
      caseId: 'c',
      channel,
      calls: calls.port,
      startSession: () => {
        throw new Error('boom');
      },
      ringTimeoutMs: 30_000,
      pollIntervalMs: 1000,
      timers: new ManualTimers(),
    });
    await settle();
    socket.receive({ type: 'answer' });
    await settle();
    await settle();
    expect(socket.closedWith?.reason).toBe('session_failed');
  });
});
