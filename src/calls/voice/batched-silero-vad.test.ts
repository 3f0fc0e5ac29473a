import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNoise, chunks, seededRandom, sine } from '../../media/testing/signals';
import { SileroVadModel, VadError } from '../../media/vad/silero-vad';
import { BatchedSileroVad } from './batched-silero-vad';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realSpeech } from './testing/voice-test-kit';
import { concatSamples } from '../../media/frame';

const dir = mkdtempSync(join(tmpdir(), 'aizuchi-bvad-'));
let single: SileroVadModel;
let batched: BatchedSileroVad;
let speech: Int16Array;

beforeAll(async () => {
  single = await SileroVadModel.load();
  batched = await BatchedSileroVad.load();
  speech = await realSpeech(dir, 'en', 'Hello, I would like to reset my authenticator, please.', 'en', 16000);
});

afterAll(async () => {
  await single?.release();
  await batched?.release();
  rmSync(dir, { recursive: true, force: true });
});

describe('batched Silero VAD', () => {
  it('gives every call the probabilities it would get alone, with many calls in one inference (Silero, espeak-ng)', async () => {
    const signals = [
      concatSamples([new Int16Array(8000), speech]),
      addNoise(concatSamples([speech, new Int16Array(8000)]), 10, seededRandom(3)),
      concatSamples([sine(440, 3000, 16000, 16000), speech]),
    ];
    const alone: number[][] = [];
    for (const s of signals) {
      const d = single.createDetector();
      const probs: number[] = [];
      for (const c of chunks(s, 320)) if (c.length === 320) probs.push(await d.process({ samples: c, sampleRateHz: 16000 }));
      alone.push(probs);
    }
    const detectors = signals.map(() => batched.createDetector());
    const together: number[][] = signals.map(() => []);
    const frames = signals.map((s) => chunks(s, 320).filter((c) => c.length === 320));
    const longest = Math.max(...frames.map((f) => f.length));
    for (let i = 0; i < longest; i++) {
      const results = await Promise.all(
        frames.map((f, k) => (f[i] ? detectors[k]!.process({ samples: f[i]!, sampleRateHz: 16000 }) : Promise.resolve(null))),
      );
      results.forEach((p, k) => p !== null && together[k]!.push(p));
    }
    expect(batched.batches).toBeLessThan(batched.windows); // windows really were batched
    together.forEach((probs, k) => {
      const ref = alone[k]!;
      expect(probs).toHaveLength(ref.length);
      probs.forEach((p, i) => expect(p).toBeCloseTo(ref[i]!, 4));
    });
  });

  it('refuses a model file that is not there with a VadError, and leaves no worker running (Silero)', async () => {
    await expect(BatchedSileroVad.load({ modelPath: join(dir, 'missing.onnx') })).rejects.toBeInstanceOf(VadError);
  });

  it('after close() every detector fails with a VadError instead of waiting forever (Silero)', async () => {
    const own = await BatchedSileroVad.load();
    const detector = own.createDetector();
    const frame = { samples: speech.subarray(0, 512), sampleRateHz: 16000 };
    expect(await detector.process(frame)).toBeGreaterThanOrEqual(0); // one full window: the worker answered
    const waiting = detector.process(frame); // the next window is in flight or queued when close() runs
    await own.close();
    await expect(waiting).rejects.toBeInstanceOf(VadError);
    await expect(own.createDetector().process(frame)).rejects.toBeInstanceOf(VadError);
  });
});
