import { describe, expect, it } from 'vitest';
import { PlayoutError, PlayoutQueue, type PlayoutEvent } from './playout';
import { seededRandom } from './testing/signals';
import { concatSamples } from './frame';

const ramp = (start: number, count: number) => Int16Array.from({ length: count }, (_, i) => start + i);

function drain(queue: PlayoutQueue, ticks: number): { audio: Int16Array; events: PlayoutEvent[] } {
  const frames: Int16Array[] = [];
  const events: PlayoutEvent[] = [];
  for (let t = 0; t < ticks; t++) {
    const { frame, events: e } = queue.tick();
    expect(frame.samples.length).toBe(160);
    expect(frame.sampleRateHz).toBe(8000);
    frames.push(frame.samples);
    events.push(...e);
  }
  return { audio: concatSamples(frames), events };
}

describe('PlayoutQueue', () => {
  it('emits silence when empty', () => {
    const queue = new PlayoutQueue(8000);
    const { audio, events } = drain(queue, 3);
    expect(audio.every((s) => s === 0)).toBe(true);
    expect(events).toEqual([]);
    expect(queue.idle).toBe(true);
  });

  it('plays clips back to back across frame boundaries and reports start/finish in the right frames', () => {
    const queue = new PlayoutQueue(8000);
    queue.play('a', ramp(1, 250), { interruptible: true });
    queue.play('b', ramp(1000, 100), { interruptible: true });
    const first = queue.tick();
    expect(first.events).toEqual([{ type: 'started', id: 'a' }]);
    const second = queue.tick();
    // a ends at sample 250 (in frame 2) and b starts right after it in the same frame.
    expect(second.events).toEqual([
      { type: 'finished', id: 'a' },
      { type: 'started', id: 'b' },
    ]);
    const third = queue.tick();
    expect(third.events).toEqual([{ type: 'finished', id: 'b' }]);
    const audio = concatSamples([first.frame.samples, second.frame.samples, third.frame.samples]);
    expect(Array.from(audio.subarray(0, 350))).toEqual([...ramp(1, 250), ...ramp(1000, 100)]);
    expect(audio.subarray(350).every((s) => s === 0)).toBe(true);
    expect(queue.idle).toBe(true);
  });

  it('accepts late and bursty chunks of any size without losing or reordering samples', () => {
    const random = seededRandom(99);
    const queue = new PlayoutQueue(8000);
    const source = ramp(1, 4000);
    queue.open('tts', { interruptible: true });
    const played: Int16Array[] = [];
    const events: PlayoutEvent[] = [];
    let sent = 0;
    for (let tick = 0; tick < 200; tick++) {
      // Sometimes nothing arrives for a while, sometimes a burst of several frames' worth.
      if (random() < 0.4 && sent < source.length) {
        const size = Math.floor(random() * 700);
        queue.append('tts', source.subarray(sent, sent + size));
        sent = Math.min(source.length, sent + size);
      }
      if (sent === source.length) queue.end('tts');
      const out = queue.tick();
      played.push(out.frame.samples);
      events.push(...out.events);
    }
    const audio = concatSamples(played).filter((s) => s !== 0); // underruns are silence
    expect(Array.from(audio)).toEqual(Array.from(source));
    expect(events).toEqual([
      { type: 'started', id: 'tts' },
      { type: 'finished', id: 'tts' },
    ]);
  });

  it('barge-in drops interruptible items but never uninterruptible ones', () => {
    const queue = new PlayoutQueue(8000);
    queue.play('prompt', ramp(1, 800), { interruptible: true });
    queue.play('legal', ramp(5000, 320), { interruptible: false });
    queue.play('followup', ramp(9000, 160), { interruptible: true });
    queue.tick(); // prompt is playing
    expect(queue.clear()).toEqual(['prompt', 'followup']);
    expect(queue.queuedIds).toEqual(['legal']);
    const { audio, events } = drain(queue, 3);
    expect(events).toEqual([
      { type: 'dropped', id: 'prompt' },
      { type: 'dropped', id: 'followup' },
      { type: 'started', id: 'legal' },
      { type: 'finished', id: 'legal' },
    ]);
    expect(Array.from(audio.subarray(0, 320))).toEqual(Array.from(ramp(5000, 320)));
    queue.append('prompt', ramp(1, 10)); // late audio for a dropped item is ignored
    expect(queue.idle).toBe(true);
  });

  it('keeps an uninterruptible item that is already playing', () => {
    const queue = new PlayoutQueue(8000);
    queue.play('goodbye', ramp(1, 480), { interruptible: false });
    queue.tick();
    expect(queue.clear(100)).toEqual([]);
    const { audio } = drain(queue, 2);
    expect(Array.from(audio)).toEqual(Array.from(ramp(161, 320)));
  });

  it('only drops items whose priority is at or below the clear priority', () => {
    const queue = new PlayoutQueue(8000);
    queue.play('hold-music', ramp(1, 160), { interruptible: true, priority: 0 });
    queue.play('please-wait', ramp(1, 160), { interruptible: true, priority: 5 });
    expect(queue.clear(1)).toEqual(['hold-music']);
    expect(queue.clear(5)).toEqual(['please-wait']);
  });

  it('rejects duplicate ids and audio after end()', () => {
    const queue = new PlayoutQueue(8000);
    queue.play('x', ramp(1, 10), { interruptible: true });
    expect(() => queue.open('x', { interruptible: true })).toThrow(PlayoutError);
    expect(() => queue.append('x', ramp(1, 10))).toThrow(PlayoutError);
  });
});
