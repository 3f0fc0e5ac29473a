import { expect, it } from 'vitest';
import { framesOf, Reframer } from './reframer';
import { seededRandom } from './testing/signals';
import { concatFrames, concatSamples } from './frame';

it('cuts arbitrary chunks into exact 20 ms frames without losing or reordering samples', () => {
  const random = seededRandom(42);
  const reframer = new Reframer(16000);
  const input = Int16Array.from({ length: 16000 }, (_, i) => (i * 7) % 30000);
  const frames = [];
  for (let i = 0; i < input.length;) {
    const size = Math.floor(random() * 1000); // includes empty chunks
    frames.push(...reframer.push(input.subarray(i, i + size)));
    i += size;
  }
  expect(frames.length).toBe(50);
  for (const f of frames) {
    expect(f.samples.length).toBe(320);
    expect(f.sampleRateHz).toBe(16000);
  }
  expect(Array.from(concatSamples(frames.map((f) => f.samples)))).toEqual(Array.from(input));
  expect(reframer.flush()).toBeNull();
});

it('keeps the remainder and pads it with silence on flush', () => {
  const reframer = new Reframer(8000);
  expect(reframer.push(new Int16Array(100).fill(5))).toEqual([]);
  expect(reframer.pendingSamples).toBe(100);
  const last = reframer.flush();
  expect(last?.samples.length).toBe(160);
  expect(last?.samples[99]).toBe(5);
  expect(last?.samples[100]).toBe(0);
  expect(reframer.pendingSamples).toBe(0);
});

it('does not hand out a frame buffer that later pushes overwrite', () => {
  const reframer = new Reframer(8000);
  const [first] = reframer.push(new Int16Array(160).fill(1));
  reframer.push(new Int16Array(160).fill(2));
  expect(first?.samples[0]).toBe(1);
});

it('rejects rates without a whole number of samples per 20 ms', () => {
  expect(() => new Reframer(11025)).toThrow(RangeError);
});

it('framesOf cuts a whole clip, pads the tail, and copies so changing a frame leaves the source alone', () => {
  const source = Int16Array.from({ length: 170 }, (_, i) => i + 1);
  const frames = framesOf(source, 8000);
  expect(frames.map((f) => f.samples.length)).toEqual([160, 160]);
  const all = concatFrames(frames);
  expect([...all.subarray(0, 170)]).toEqual([...source]);
  expect(all.subarray(170).every((s) => s === 0)).toBe(true);
  frames[0]?.samples.fill(9);
  expect(source[0]).toBe(1);
});
