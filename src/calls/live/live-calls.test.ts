import { describe, expect, it } from 'vitest';
import { type LiveCall, type LiveEvent, MAX_LINES_KEPT, createInProcessLiveCalls, withoutSeen } from './live-calls';

const call = (id: string, startedAt: string): LiveCall => ({
  callId: id,
  caseId: `case-${id}`,
  channel: 'softphone',
  lang: 'ja',
  customer: 'm***@gmail.com',
  step: 'greet',
  startedAt,
});

describe('in-process live calls', () => {
  it('keeps each call in progress with its step and lines, oldest first, and forgets it when it ends', async () => {
    const live = createInProcessLiveCalls();
    live.publish({ type: 'started', call: call('b', '2026-12-01T01:00:05Z') });
    live.publish({ type: 'started', call: call('a', '2026-12-01T01:00:00Z') });
    live.publish({ type: 'step', callId: 'a', step: 'email' });
    live.publish({ type: 'line', callId: 'a', line: { speaker: 'agent', text: 'メールアドレスを', at: '2026-12-01T01:00:01Z' } });
    live.publish({ type: 'line', callId: 'a', line: { speaker: 'caller', text: 'はい', at: '2026-12-01T01:00:02Z' } });
    // A line for a call the feed never saw start (it started in another process before this one came up) is not invented.
    live.publish({ type: 'line', callId: 'ghost', line: { speaker: 'caller', text: 'x', at: '2026-12-01T01:00:02Z' } });

    const views = await live.snapshot();
    expect(views.map((v) => v.callId)).toEqual(['a', 'b']);
    expect(views[0]).toMatchObject({ step: 'email', lines: [{ speaker: 'agent' }, { speaker: 'caller', text: 'はい' }] });
    expect(views[1]!.lines).toEqual([]);

    live.publish({ type: 'ended', callId: 'a', outcome: 'mfa_reset' });
    expect((await live.snapshot()).map((v) => v.callId)).toEqual(['b']);
  });

  it('hands every event to subscribers in order until they unsubscribe; a snapshot is a copy', async () => {
    const live = createInProcessLiveCalls();
    const seen: LiveEvent[] = [];
    const unsubscribe = live.subscribe((e) => seen.push(e));
    live.publish({ type: 'started', call: call('a', '2026-12-01T01:00:00Z') });
    const before = await live.snapshot();
    live.publish({ type: 'step', callId: 'a', step: 'code' });
    unsubscribe();
    live.publish({ type: 'ended', callId: 'a', outcome: 'escalated' });
    expect(seen.map((e) => e.type)).toEqual(['started', 'step']);
    expect(before[0]!.step).toBe('greet');
  });

  it('drops a throwing subscriber without stopping the others or the publisher', () => {
    const live = createInProcessLiveCalls();
    let broken = 0;
    const good: string[] = [];
    live.subscribe(() => {
      broken += 1;
      throw new Error('socket gone');
    });
    live.subscribe((e) => good.push(e.type));
    live.publish({ type: 'started', call: call('a', '2026-12-01T01:00:00Z') });
    live.publish({ type: 'ended', callId: 'a', outcome: 'abandoned' });
    expect(broken).toBe(1);
    expect(good).toEqual(['started', 'ended']);
  });

  it(`keeps only the last ${MAX_LINES_KEPT} lines of a call`, async () => {
    const live = createInProcessLiveCalls();
    live.publish({ type: 'started', call: call('a', '2026-12-01T01:00:00Z') });
    for (let i = 0; i < MAX_LINES_KEPT + 5; i += 1)
      live.publish({ type: 'line', callId: 'a', line: { speaker: 'caller', text: `line ${i}`, at: '2026-12-01T01:00:01Z' } });
    const [view] = await live.snapshot();
    expect(view!.lines).toHaveLength(MAX_LINES_KEPT);
    expect(view!.lines[0]!.text).toBe('line 5');
  });
});

describe('withoutSeen', () => {
  const call = {
    callId: 'c1',
    caseId: 'k1',
    channel: 'text',
    lang: 'ja' as const,
    customer: 'm***@x.com',
    step: 'greet',
    startedAt: '2026-01-01T00:00:00.000Z',
  };
  const line = { speaker: 'agent' as const, text: 'こんにちは', at: '2026-01-01T00:00:01.000Z' };
  it('drops what a snapshot read from the database already shows, and keeps everything newer', () => {
    const later = { speaker: 'caller' as const, text: 'はい', at: '2026-01-01T00:00:02.000Z' };
    const other = { ...call, callId: 'c2' };
    const events: LiveEvent[] = [
      { type: 'started', call },
      { type: 'line', callId: 'c1', line },
      { type: 'line', callId: 'c1', line: later },
      { type: 'started', call: other },
      { type: 'step', callId: 'c1', step: 'consent' },
    ];
    expect(withoutSeen([{ ...call, lines: [line] }], events)).toEqual(events.slice(2));
  });
});
