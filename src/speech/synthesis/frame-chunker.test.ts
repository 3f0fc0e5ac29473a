import { describe, expect, it } from 'vitest';
import { concatFrames, FrameChunker, framesOf } from './frame-chunker';

describe('FrameChunker', () => {
  it('emits 20 ms frames across uneven pushes and pads the tail', () => {
    const chunker = new FrameChunker(8000);
    const input = Int16Array.from({ length: 500 }, (_, i) => i + 1);
    const frames = [...chunker.push(input.subarray(0, 100)), ...chunker.push(input.subarray(100, 350)), ...chunker.push(input.subarray(350))];
    expect(frames).toHaveLength(3);
    const tail = chunker.flush();
    expect(tail).toHaveLength(1);
    const all = concatFrames([...frames, ...tail]);
    expect([...all.subarray(0, 500)]).toEqual([...input]);
    expect(all.subarray(500).every((s) => s === 0)).toBe(true);
    expect(chunker.flush()).toEqual([]);
  });

  it('refuses rates that do not divide into 20 ms frames', () => {
    expect(() => new FrameChunker(11_025)).toThrow(RangeError);
  });

  it('framesOf copies, so changing a frame leaves the source alone', () => {
    const source = Int16Array.from([1, 2, 3]);
    const [frame] = framesOf(source, 8000);
    frame?.samples.fill(9);
    expect([...source]).toEqual([1, 2, 3]);
  });
});
