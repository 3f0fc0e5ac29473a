import { expect, it } from 'vitest';
import { interleaveStereo, StereoRecorder } from './mix';
import { encodeWav, parseWav } from './wav';

it('interleaves caller left and agent right, padding the shorter side', () => {
  expect(Array.from(interleaveStereo(Int16Array.from([1, 2, 3]), Int16Array.from([-1])))).toEqual([1, -1, 2, 0, 3, 0]);
});

it('records a time-aligned stereo call that survives a WAV round trip', () => {
  const recorder = new StereoRecorder(8000);
  const caller = { samples: new Int16Array(160).fill(100), sampleRateHz: 8000 };
  const agent = { samples: new Int16Array(160).fill(-200), sampleRateHz: 8000 };
  recorder.addTick(caller, null);
  recorder.addTick(null, agent);
  recorder.addTick(caller, agent);
  expect(recorder.durationMs).toBe(60);
  const wav = parseWav(encodeWav(recorder.toWavAudio()));
  const [left, right] = wav.channels;
  expect(left?.[0]).toBe(100);
  expect(right?.[0]).toBe(0);
  expect(left?.[160]).toBe(0);
  expect(right?.[160]).toBe(-200);
  expect([left?.[400], right?.[400]]).toEqual([100, -200]);
  expect(recorder.interleaved().subarray(640, 644)).toEqual(Int16Array.from([100, -200, 100, -200]));
  expect(() => recorder.addTick({ samples: new Int16Array(320), sampleRateHz: 16000 }, null)).toThrow(RangeError);
});
