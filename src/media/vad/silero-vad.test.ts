import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplesPerFrame, concatSamples } from '../frame';
import { decodeG711, encodeG711 } from '../g711';
import { resampleAll } from '../resampler';
import { addNoise, chunks, seededRandom } from '../testing/signals';
import { speakEnglish, speakJapanese } from '../testing/speech';
import { Endpointer, type EndpointEvent } from './endpointer';
import { SileroVadModel, VadError, type SileroWindowDetector } from './silero-vad';

const dir = mkdtempSync(join(tmpdir(), 'aizuchi-vad-'));
let model: SileroVadModel;
/** Call audio at 8 kHz: 1 s silence, English, 1 s pause, Japanese, 2 s silence; plus where speech is. */
let call: Int16Array;
let speechSpansMs: [number, number][];

/** First and last sample above a small energy threshold (the synthesizers pad with silence). */
function voicedSpan(samples: Int16Array, rateHz: number): [number, number] {
  const loud = (s: number) => Math.abs(s) > 300;
  const first = samples.findIndex(loud);
  const last = samples.length - 1 - [...samples].reverse().findIndex(loud);
  return [(first * 1000) / rateHz, (last * 1000) / rateHz];
}

beforeAll(async () => {
  model = await SileroVadModel.load();
  const en = await speakEnglish(dir, 'en', 'Hello, I would like to reset my authenticator, please.');
  const ja = await speakJapanese(dir, 'ja', 'はい、生年月日は千九百八十五年四月三日です。');
  // Trim the synthesizers' own padding so the pause between the utterances is exactly 1 s.
  const trim = (samples: Int16Array) => {
    const [start, end] = voicedSpan(samples, 8000);
    return samples.slice(Math.round(start * 8), Math.round(end * 8) + 1);
  };
  const en8 = trim(resampleAll(en.channels[0] ?? new Int16Array(0), en.sampleRateHz, 8000));
  const ja8 = trim(resampleAll(ja.channels[0] ?? new Int16Array(0), ja.sampleRateHz, 8000));
  call = concatSamples([new Int16Array(8000), en8, new Int16Array(8000), ja8, new Int16Array(16000)]);
  const jaStartMs = 1000 + en8.length / 8 + 1000;
  speechSpansMs = [
    [1000, 1000 + en8.length / 8],
    [jaStartMs, jaStartMs + ja8.length / 8],
  ];
});

afterAll(async () => {
  await model?.release();
  rmSync(dir, { recursive: true, force: true });
});

async function probabilities(detector: SileroWindowDetector, samples: Int16Array, rateHz: number): Promise<number[]> {
  const out: number[] = [];
  for (const samplesOfFrame of chunks(samples, samplesPerFrame(rateHz))) {
    out.push(await detector.process({ samples: samplesOfFrame, sampleRateHz: rateHz }));
  }
  return out;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

describe('Silero VAD on real synthesized speech', () => {
  it('gives high probability during speech and low during silence (8 kHz μ-law call audio)', async () => {
    const ulaw = decodeG711('mulaw', encodeG711('mulaw', { samples: call, sampleRateHz: 8000 })).samples;
    const probs = await probabilities(model.createDetector(), ulaw, 8000);
    const at = (fromMs: number, toMs: number) => probs.slice(Math.floor(fromMs / 20), Math.floor(toMs / 20));
    for (const [start, end] of speechSpansMs) expect(mean(at(start + 200, end - 200))).toBeGreaterThan(0.7);
    expect(mean(at(0, 900))).toBeLessThan(0.1);
    const afterLast = speechSpansMs[1]?.[1] ?? 0;
    expect(Math.max(...at(afterLast + 600, afterLast + 1800))).toBeLessThan(0.3);
  });

  it('works at 16 kHz and 48 kHz input too', async () => {
    for (const rate of [16000, 48000]) {
      const probs = await probabilities(model.createDetector(), resampleAll(call, 8000, rate), rate);
      const [start, end] = speechSpansMs[0] ?? [0, 0];
      expect(mean(probs.slice(Math.floor((start + 200) / 20), Math.floor((end - 200) / 20)))).toBeGreaterThan(0.7);
      expect(mean(probs.slice(0, 45))).toBeLessThan(0.1);
    }
  });

  it('keeps per-call state: interleaved calls on one shared session match calls run alone', async () => {
    const other = addNoise(concatSamples([new Int16Array(4000), call.subarray(0, 24000)]), 20, seededRandom(5));
    const a = call.subarray(0, 32000);
    const aloneA = await probabilities(model.createDetector(), a, 8000);
    const aloneB = await probabilities(model.createDetector(), other, 8000);
    const da = model.createDetector();
    const db = model.createDetector();
    const framesA = chunks(a, 160);
    const framesB = chunks(other, 160);
    const together: [number[], number[]] = [[], []];
    for (let i = 0; i < Math.max(framesA.length, framesB.length); i++) {
      // Fire both without awaiting in between, as concurrent calls would.
      const fa = framesA[i];
      const fb = framesB[i];
      const [pa, pb] = await Promise.all([
        fa ? da.process({ samples: fa, sampleRateHz: 8000 }) : Promise.resolve(undefined),
        fb ? db.process({ samples: fb, sampleRateHz: 8000 }) : Promise.resolve(undefined),
      ]);
      if (pa !== undefined) together[0].push(pa);
      if (pb !== undefined) together[1].push(pb);
    }
    expect(together[0]).toEqual(aloneA);
    expect(together[1]).toEqual(aloneB);
  });

  it('reset() forgets the history', async () => {
    const detector = model.createDetector();
    const first = await probabilities(detector, call.subarray(0, 24000), 8000);
    detector.reset();
    expect(await probabilities(detector, call.subarray(0, 24000), 8000)).toEqual(first);
  });

  it('fails with a VadError for a missing model file', async () => {
    await expect(SileroVadModel.load({ modelPath: join(dir, 'missing.onnx') })).rejects.toThrow(VadError);
  });
});

describe('Silero + Endpointer on real speech', () => {
  async function endpoints(silenceMs: number): Promise<EndpointEvent[]> {
    const probs = await probabilities(model.createDetector(), call, 8000);
    const endpointer = new Endpointer({ silenceMs });
    return probs.flatMap((p) => endpointer.push(p));
  }

  it('finds both utterances with the normal 700 ms hangover', async () => {
    const events = await endpoints(700);
    const ends = events.filter((e): e is Extract<EndpointEvent, { type: 'speechEnd' }> => e.type === 'speechEnd');
    expect(ends).toHaveLength(2);
    ends.forEach((end, i) => {
      const [start, stop] = speechSpansMs[i] ?? [0, 0];
      expect(Math.abs(end.startMs - start)).toBeLessThan(250);
      expect(Math.abs(end.lastSpeechMs - stop)).toBeLessThan(300);
      expect(end.atMs - end.lastSpeechMs).toBeGreaterThanOrEqual(700);
    });
  });

  it('treats the 1 s pause as part of one turn with the longer digit-reading hangover', async () => {
    const ends = (await endpoints(1400)).filter((e) => e.type === 'speechEnd');
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ reason: 'silence' });
  });
});
