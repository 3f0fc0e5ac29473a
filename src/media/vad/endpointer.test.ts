import { describe, expect, it } from 'vitest';
import { Endpointer, type EndpointEvent } from './endpointer';

/** Feeds a probability script: [probability, durationMs] pairs, 20 ms frames. */
function feed(endpointer: Endpointer, script: [number, number][]): EndpointEvent[] {
  const events: EndpointEvent[] = [];
  for (const [p, ms] of script) for (let t = 0; t < ms; t += 20) events.push(...endpointer.push(p));
  return events;
}

describe('Endpointer', () => {
  it('reports speech start at the first voiced frame and end after the hangover', () => {
    const events = feed(new Endpointer({ silenceMs: 700 }), [
      [0.01, 400],
      [0.95, 1000],
      [0.02, 1000],
    ]);
    expect(events).toEqual([
      { type: 'speechStart', atMs: 400 },
      { type: 'speechEnd', atMs: 2100, startMs: 400, lastSpeechMs: 1400, reason: 'silence' },
    ]);
  });

  it('ignores blips shorter than minSpeechMs', () => {
    expect(
      feed(new Endpointer({ silenceMs: 700, minSpeechMs: 100 }), [
        [0.9, 60],
        [0.1, 500],
        [0.9, 40],
        [0.1, 500],
      ]),
    ).toEqual([]);
  });

  it('uses hysteresis: probabilities between the thresholds keep speech going', () => {
    const events = feed(new Endpointer({ silenceMs: 300 }), [
      [0.9, 200],
      [0.4, 1000],
      [0.1, 400],
    ]);
    expect(events.map((e) => e.type)).toEqual(['speechStart', 'speechEnd']);
    expect(events[1]).toMatchObject({ lastSpeechMs: 1200, atMs: 1500 });
  });

  it('waits longer when configured for digit reading, so a pause between digits does not end the turn', () => {
    const script: [number, number][] = [
      [0.9, 300],
      [0.05, 1000],
      [0.9, 300],
      [0.05, 2000],
    ];
    const normal = feed(new Endpointer({ silenceMs: 700 }), script);
    expect(normal.filter((e) => e.type === 'speechEnd')).toHaveLength(2);
    const digits = new Endpointer({ silenceMs: 700 });
    digits.configure({ silenceMs: 1400 });
    const spelled = feed(digits, script);
    expect(spelled.filter((e) => e.type === 'speechEnd')).toEqual([
      { type: 'speechEnd', atMs: 3000, startMs: 0, lastSpeechMs: 1600, reason: 'silence' },
    ]);
  });

  it('commitNow ends the utterance immediately and is a no-op in silence', () => {
    const endpointer = new Endpointer({ silenceMs: 1400 });
    feed(endpointer, [[0.9, 500]]);
    expect(endpointer.commitNow()).toEqual([{ type: 'speechEnd', atMs: 500, startMs: 0, lastSpeechMs: 500, reason: 'commit' }]);
    expect(endpointer.inSpeech).toBe(false);
    expect(endpointer.commitNow()).toEqual([]);
    expect(endpointer.timeMs).toBe(500);
  });

  it('rejects nonsense configuration', () => {
    expect(() => new Endpointer({ silenceMs: 0 })).toThrow(RangeError);
    expect(() => new Endpointer({ silenceMs: 500, speechThreshold: 0.3, silenceThreshold: 0.6 })).toThrow(RangeError);
  });
});
