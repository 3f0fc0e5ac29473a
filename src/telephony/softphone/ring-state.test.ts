import { describe, expect, it } from 'vitest';
import { type LineEvent, type LineState, nextLineState } from './ring-state';

const ringing: LineState = { name: 'ringing', callId: 'c1' };
const kinds = (s: LineState, e: LineEvent) => {
  const t = nextLineState(s, e);
  return [
    t.state.name,
    t.effects.map((x) =>
      x.kind === 'end_unanswered' ? `end_unanswered:${x.outcome}` : x.kind === 'notify' ? `notify:${String(x.message.type)}` : x.kind,
    ),
  ];
};

describe('softphone ring state', () => {
  it.each<[string, LineState, LineEvent, unknown]>([
    [
      'an offered call rings',
      { name: 'idle' },
      { type: 'call_offered', callId: 'c1' },
      ['ringing', ['notify:ringing', 'start_ring_timer']],
    ],
    ['answering claims the call', ringing, { type: 'answer' }, ['answering', ['clear_ring_timer', 'claim_call']]],
    [
      'declining ends it unanswered',
      ringing,
      { type: 'decline' },
      ['idle', ['clear_ring_timer', 'end_unanswered:declined', 'notify:call_ended']],
    ],
    [
      'ringing out ends it unanswered',
      ringing,
      { type: 'ring_timeout' },
      ['idle', ['clear_ring_timer', 'end_unanswered:no_answer', 'notify:call_ended']],
    ],
    [
      'closing the page while ringing abandons it',
      ringing,
      { type: 'disconnect' },
      ['closed', ['clear_ring_timer', 'end_unanswered:abandoned']],
    ],
    [
      'a call taken elsewhere stops the ring',
      ringing,
      { type: 'call_withdrawn', callId: 'c1' },
      ['idle', ['clear_ring_timer', 'notify:call_ended']],
    ],
    ['another call withdrawn changes nothing', ringing, { type: 'call_withdrawn', callId: 'c2' }, ['ringing', []]],
    [
      'a won claim starts the session',
      { name: 'answering', callId: 'c1' },
      { type: 'answer_result', ok: true },
      ['in_call', ['notify:connected', 'start_session']],
    ],
    [
      'a lost claim goes back to waiting',
      { name: 'answering', callId: 'c1' },
      { type: 'answer_result', ok: false },
      ['idle', ['notify:call_ended']],
    ],
    ['a second answer while answering is ignored', { name: 'answering', callId: 'c1' }, { type: 'answer' }, ['answering', []]],
    ['answer without a ring is ignored', { name: 'idle' }, { type: 'answer' }, ['idle', []]],
    ['a new offer during a call is ignored', { name: 'in_call', callId: 'c1' }, { type: 'call_offered', callId: 'c2' }, ['in_call', []]],
    [
      'the session ending returns to waiting',
      { name: 'in_call', callId: 'c1' },
      { type: 'call_ended', reason: 'ended' },
      ['idle', ['notify:call_ended']],
    ],
    ['a closed line stays closed', { name: 'closed' }, { type: 'call_offered', callId: 'c3' }, ['closed', []]],
  ])('%s', (_name, state, event, expected) => {
    expect(kinds(state, event)).toEqual(expected);
  });

  it('names the call it rings and claims', () => {
    const rang = nextLineState({ name: 'idle' }, { type: 'call_offered', callId: 'c9' });
    expect(rang.effects[0]).toEqual({ kind: 'notify', message: { type: 'ringing', callId: 'c9' } });
    const answered = nextLineState(rang.state, { type: 'answer' });
    expect(answered.effects).toContainEqual({ kind: 'claim_call', callId: 'c9' });
  });
});
